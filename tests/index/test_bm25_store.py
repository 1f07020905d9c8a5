"""Tests for index.bm25_store (关键词索引): ranking, allowed-set filter, save/load, staleness stamp."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.bm25_store import BM25Store, state_stamp

IDS = ["c-grain", "c-land", "c-poverty", "c-empty"]
TOKENS: list[Sequence[str]] = [
    ["粮食", "安全", "粮食", "生产"],
    ["耕地", "保护", "粮食"],
    ["防止", "返贫", "监测", "帮扶"],
    [],  # a chunk of pure punctuation
]


@pytest.fixture()
def store() -> BM25Store:
    return BM25Store.build(zip(IDS, TOKENS, strict=True))


def test_best_match_first_and_only_positive_scores(store: BM25Store) -> None:
    hits = store.search(["粮食"], k=10)
    assert [cid for cid, _ in hits] == ["c-grain", "c-land"]
    assert hits[0][1] > hits[1][1] > 0


def test_unknown_tokens_and_empty_queries_find_nothing(store: BM25Store) -> None:
    assert store.search(["宅基地"], k=5) == []
    assert store.search([], k=5) == []


def test_k_limits_the_results(store: BM25Store) -> None:
    assert len(store.search(["粮食", "返贫"], k=1)) == 1
    assert len(store.search(["粮食", "返贫"], k=10)) == 3


def test_allowed_set_filters_before_ranking(store: BM25Store) -> None:
    assert [c for c, _ in store.search(["粮食"], k=1, allowed={"c-land"})] == ["c-land"]
    assert store.search(["粮食"], k=5, allowed={"c-poverty"}) == []
    assert store.search(["粮食"], k=5, allowed=set()) == []
    # Ids the store does not know are ignored, not an error.
    assert [c for c, _ in store.search(["粮食"], k=5, allowed={"nope", "c-grain"})] == ["c-grain"]


def test_matches_a_reference_bm25_computation(store: BM25Store) -> None:
    """BM25 (bm25s "lucene" variant, which drops the constant (k1 + 1) factor) computed by hand."""
    k1, b = 1.2, 0.75
    docs = [t or [""] for t in TOKENS]
    avgdl = sum(len(d) for d in docs) / len(docs)
    n, df = len(docs), sum("粮食" in d for d in docs)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    expected = {}
    for cid, d in zip(IDS, docs, strict=True):
        tf = d.count("粮食")
        if tf:
            expected[cid] = idf * tf / (tf + k1 * (1 - b + b * len(d) / avgdl))
    got = dict(store.search(["粮食"], k=10))
    assert got.keys() == expected.keys()
    for cid, score in expected.items():
        assert got[cid] == pytest.approx(score, rel=1e-5)


def test_save_and_load_round_trip_without_pickle(store: BM25Store, tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    store.save(folder)
    files = {p.name for p in folder.iterdir()}
    assert "ids.json" in files
    assert not any(name.endswith((".pkl", ".pickle")) for name in files)
    meta = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    assert meta == {"stamp": state_stamp(IDS), "ids": IDS}
    loaded = BM25Store.load(folder)
    assert loaded is not None
    assert loaded.ids == store.ids and loaded.stamp == store.stamp and len(loaded) == 4
    for query in (["粮食"], ["返贫", "帮扶"], ["耕地", "粮食"]):
        before, after = store.search(query, k=10), loaded.search(query, k=10)
        assert [c for c, _ in after] == [c for c, _ in before]
        assert [s for _, s in after] == pytest.approx([s for _, s in before])


def test_save_replaces_a_previous_index_and_leaves_no_temp_folders(store: BM25Store, tmp_path: Path) -> None:
    folder = tmp_path / "bm25"
    BM25Store.build([("old", ["旧"])]).save(folder)
    store.save(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bm25"]
    loaded = BM25Store.load(folder)
    assert loaded is not None and loaded.ids == IDS


def test_missing_or_corrupt_folder_loads_as_none(tmp_path: Path) -> None:
    assert BM25Store.load(tmp_path / "absent") is None
    folder = tmp_path / "bm25"
    folder.mkdir()
    (folder / "ids.json").write_text("{not json", encoding="utf-8")
    assert BM25Store.load(folder) is None


def test_empty_store_round_trips_and_finds_nothing(tmp_path: Path) -> None:
    empty = BM25Store.build([])
    assert len(empty) == 0 and empty.search(["粮食"], k=3) == []
    empty.save(tmp_path / "bm25")
    loaded = BM25Store.load(tmp_path / "bm25")
    assert loaded is not None and len(loaded) == 0 and loaded.stamp == state_stamp([])


def test_stamp_depends_on_the_set_of_ids_only() -> None:
    assert state_stamp(["a", "b"]) == state_stamp(["b", "a"])
    assert state_stamp(["a", "b"]) != state_stamp(["a", "c"])
    assert state_stamp([]) != state_stamp(["a"])


def test_streamed_build_scores_like_bm25s_on_token_lists() -> None:
    """The packed, streamed build is bm25s' own scoring: same scores as indexing the token lists directly."""
    import bm25s

    ids = [f"c{i}" for i in range(40)]
    words = ["粮食", "安全", "耕地", "保护", "返贫", "监测", "帮扶", "#粮食", "县", "乡村"]
    tokens = [[words[(i * 7 + j * 3) % len(words)] for j in range(i % 9 + 1)] for i in range(40)]
    streamed = BM25Store.build(iter(list(zip(ids, tokens, strict=True))))  # a one-pass iterator
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(tokens, show_progress=False)
    for query in (["粮食"], ["返贫", "县"], ["#粮食", "保护", "乡村"]):
        expected = np.asarray(reference.get_scores(query), dtype=np.float32)
        got = dict(streamed.search(query, k=len(ids)))
        assert got, query
        for i, cid in enumerate(ids):
            assert got.get(cid, 0.0) == pytest.approx(float(expected[i]), abs=1e-5)
