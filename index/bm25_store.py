"""Keyword index (关键词索引): BM25 over the same jieba tokens as the questions, via bm25s.

Persisted beside Chroma as bm25s' ``.npy`` + JSON files (never pickle) together with the chunk ids
and a stamp of the catalog state it was built from; a stale index is rebuilt from the catalog.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import bm25s
import numpy as np

from index.layout import OLD_SUFFIX, TMP_SUFFIX

K1, B = 1.2, 0.75


def state_stamp(chunk_ids: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(chunk_ids)).encode()).hexdigest()[:32]


class _Vocab(dict[str, int]):
    """Token → id, giving each new token the next id (so ``map(vocab.__getitem__, tokens)`` numbers a chunk)."""

    def __missing__(self, token: str) -> int:
        tid = self[token] = len(self)
        return tid


class _PackedCorpus:
    """Every chunk's token ids in one int32 array with offsets: bm25s reads ``ids`` chunk by chunk
    (twice), so the corpus never exists as Python lists of strings (at 100k chunks those lists were
    most of a 4 GB ingest peak; the packed form is 4 bytes a token)."""

    def __init__(self, flat: array[int], offsets: array[int], vocab: dict[str, int]) -> None:
        self._flat = np.frombuffer(flat, dtype=np.int32) if len(flat) else np.zeros(0, np.int32)
        self._offsets = offsets
        self.vocab = vocab
        self.ids = self  # bm25s' "object" corpus form: ``.ids`` (token ids per document) and ``.vocab``

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __iter__(self) -> Iterator[list[int]]:
        o, flat = self._offsets, self._flat
        for i in range(len(o) - 1):
            yield flat[o[i] : o[i + 1]].tolist()


class BM25Store:
    def __init__(self, ids: list[str], model: bm25s.BM25 | None, stamp: str) -> None:
        self.ids = ids
        self._model = model
        self.stamp = stamp
        self._pos = {cid: i for i, cid in enumerate(ids)}
        self._df: np.ndarray | None = None

    @classmethod
    def build(cls, chunks: Iterable[tuple[str, Sequence[str]]]) -> BM25Store:
        """Index ``(chunk_id, tokens)`` pairs, read once as they stream (e.g. from the catalog)."""
        ids: list[str] = []
        vocab = _Vocab({"": 0})
        flat, offsets = array("i"), array("q", [0])
        for cid, tokens in chunks:
            ids.append(cid)
            # An empty token list would break bm25s; such a chunk (pure punctuation) gets "" and never matches.
            flat.extend(map(vocab.__getitem__, tokens or ("",)))
            offsets.append(len(flat))
        if not ids:
            return cls([], None, state_stamp([]))
        model = bm25s.BM25(k1=K1, b=B)
        model.index(_PackedCorpus(flat, offsets, dict(vocab)), show_progress=False)
        return cls(ids, model, state_stamp(ids))

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + TMP_SUFFIX)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(tmp), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps({"stamp": self.stamp, "ids": self.ids}), encoding="utf-8")
        # Swap folders so a crash mid-save leaves the previous complete index (or none) in place.
        old = folder.with_name(folder.name + OLD_SUFFIX)
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> BM25Store | None:
        meta_file = folder / "ids.json"
        if not meta_file.exists():
            return None
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            model = bm25s.BM25.load(str(folder), show_progress=False) if meta["ids"] else None
        except (OSError, ValueError, KeyError):
            return None  # unreadable: the caller rebuilds from the catalog
        return cls(meta["ids"], model, meta["stamp"])

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token (0 for unknown tokens), BM25's log((N - df + .5)/(df + .5) + 1)."""
        if self._model is None:
            return 0.0
        tid = self._model.vocab_dict.get(token)
        if tid is None:
            return 0.0
        if self._df is None:
            indptr = np.asarray(self._model.scores["indptr"])
            self._df = np.diff(indptr)
        df = float(self._df[tid])
        n = float(len(self.ids))
        return float(np.log((n - df + 0.5) / (df + 0.5) + 1.0))

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._pos

    def search(
        self, tokens: Sequence[str], k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk_id, BM25 score) with a positive score, optionally only among ``allowed``."""
        if self._model is None:
            return []
        vocab = self._model.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return []
        scores = np.asarray(self._model.get_scores(known), dtype=np.float32)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            mask[[self._pos[c] for c in allowed if c in self._pos]] = True
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top]
