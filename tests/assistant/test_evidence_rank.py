"""The learned evidence models (学习排序与作答判定): features, tree ensembles read from JSON, how the
answerer uses the ranker and the gate, and the models shipped with the package."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answer_types import ANSWER_TYPES
from assistant.answerer import Answerer
from assistant.evidence_rank import (
    FEATURES,
    GATE_FEATURES,
    EvidenceModels,
    features,
    gate_features,
    load_models,
    shipped_models,
)
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.trees import FORMAT, Tree, TreeEnsemble, load_ensemble, parse_ensemble
from corpus.errors import PolicyAssistantError
from corpus.tokenize import char_bigrams

GONGYANG = Doc(
    "gongyang",
    "某某县特困人员供养办法",
    "某某县特困人员供养办法\n"
    "第六条 特困人员供养标准由县级人民政府确定，并向社会公布。\n"
    "第七条 特困人员供养标准每年调整一次，由县级人民政府民政部门提出方案。\n"
    "第九条 特困人员可以申请临时救助。",
)
KB = FakeKnowledgeBase([GONGYANG])


def by_bigrams(question: str, units: Sequence[tuple[str, int, int, str]]) -> list[float | None]:
    """Closeness in meaning stood in for by shared character bigrams (the models read it only as a
    relative signal; the real one is the e5 cosine of vectors stored at ingest)."""
    asked = set(char_bigrams(question))
    return [len(asked & set(char_bigrams(text))) / (len(asked) or 1) for *_, text in units]


def answerer(**kwargs: Any) -> Answerer:
    """An answerer over the test documents that reads closeness in meaning, as the assistant does."""
    return Answerer(KB, KB, KB.reader(), SETTINGS, similarity=by_bigrams, **kwargs)


def _stump(feature: str, threshold: float, low: float, high: float, names=FEATURES) -> TreeEnsemble:
    """A one-split model: ``low`` where the feature is at most ``threshold``, else ``high``."""
    index = names.index(feature)
    tree = Tree((index, -1, -1), (threshold, 0.0, 0.0), (1, 0, 0), (2, 0, 0), (0.0, low, high))
    return TreeEnsemble(0.0, (tree,))


def _ranker(feature: str, threshold: float, low: float, high: float) -> EvidenceModels:
    return EvidenceModels(_stump(feature, threshold, low, high))


def _candidates(question: str) -> tuple[list, list]:
    """The reader's candidate sentences and the hits, as the answerer hands them to the models."""
    got: dict = {}
    asking = answerer()
    asking.on_evidence = lambda info, ev, lead, hits: got.update(ev=list(ev), lead=lead, hits=list(hits))
    asking.answer(question)
    return got["ev"], got["hits"]


def test_features_give_one_row_of_every_feature_per_sentence() -> None:
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    rows = features(analyse(question, ANSWER_TYPES), evidence, hits)
    assert len(rows) == len(evidence) >= 2
    assert all(len(r) == len(FEATURES) and all(math.isfinite(x) for x in r) for r in rows)
    named = [dict(zip(FEATURES, r, strict=True)) for r in rows]
    assert named[0]["hand_rank"] == 1.0 and named[1]["hand_rank"] == 0.5
    assert named[0]["score_gap"] == 0.0 and named[1]["score_gap"] < 0
    assert named[0]["article_head"] == 1.0  # 第六条 …
    assert named[0]["fit_procedure"] == evidence[0].fit and named[0]["fit_number"] == 0.0
    assert features(analyse(question, ANSWER_TYPES), [], hits) == []


def test_a_tree_is_walked_to_its_leaf_and_margins_add_the_trees() -> None:
    tree = Tree(
        (0, 1, -1, -1, -1), (0.5, 2.0, 0.0, 0.0, 0.0), (1, 3, 0, 0, 0), (2, 4, 0, 0, 0), (0, 0, 7, 1, 3)
    )
    assert tree.predict([0.2, 1.0]) == 1  # left, then left
    assert tree.predict([0.2, 2.5]) == 3  # left, then right
    assert tree.predict([0.9, 0.0]) == 7  # right: a leaf
    ensemble = TreeEnsemble(0.5, (tree, tree))
    assert ensemble.margins([[0.9, 0.0]]) == [14.5]
    assert ensemble.probability([0.9, 0.0]) == pytest.approx(1 / (1 + math.exp(-14.5)))


def test_rerank_orders_the_window_by_margin_and_keeps_the_rest() -> None:
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    info = analyse(question, ANSWER_TYPES)
    flipped = _ranker("hand_rank", 0.75, 1.0, -1.0).read(info, evidence, evidence[0], hits)
    assert flipped.ordered == [*evidence[1:], evidence[0]]  # ties keep the reader's order
    assert flipped.answerable is None  # no gate
    narrow = replace(_ranker("hand_rank", 0.75, 1.0, -1.0), window=1)
    assert narrow.read(info, evidence, evidence[0], hits).ordered == evidence  # nothing to order


def test_the_answer_leads_with_the_learned_first_sentence() -> None:
    question = "特困人员供养标准由谁确定？"
    reader = answerer().answer(question)
    learned = answerer(models=_ranker("hand_rank", 0.75, 1.0, -1.0)).answer(question)
    assert reader.short_answer == "县级人民政府"
    assert learned.found and learned.short_answer == "县级人民政府民政部门"  # 第七条 now leads
    assert "第七条" in learned.citations[0].quote


def test_the_passages_listed_follow_the_learned_order() -> None:
    """The list a cadre scrolls (and hit@k) follows the order the answer was chosen by: after the
    cited passage, the passage of the learned second sentence, not the reader's first."""
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    flipping = _ranker("hand_rank", 0.75, 1.0, -1.0)
    ordered = flipping.read(analyse(question, ANSWER_TYPES), evidence, evidence[0], hits).ordered
    learned_passages = list(dict.fromkeys(ev.hit.chunk.chunk_id for ev in ordered))
    assert learned_passages[:3] == ["gongyang-2", "gongyang-3", "gongyang-1"]
    listed = [h.chunk.chunk_id for h in answerer(models=flipping).answer(question).retrieved]
    assert listed[:3] == learned_passages[:3]
    reader = [h.chunk.chunk_id for h in answerer().answer(question).retrieved]
    assert reader[:3] == ["gongyang-1", "gongyang-2", "gongyang-3"]


def test_a_learned_lead_covering_too_little_gives_way_to_the_readers() -> None:
    """第九条 shares one word with the question (coverage under min_coverage): preferred by the model, it
    is not the answer; the reader's 第六条 is."""
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    low = _ranker("coverage", 0.3, 1.0, -1.0)
    assert "第九条" in low.read(analyse(question, ANSWER_TYPES), evidence, evidence[0], hits).ordered[0].text
    answer = answerer(models=low).answer(question)
    assert answer.short_answer == "县级人民政府" and "第六条" in answer.citations[0].quote


def test_without_a_gate_the_ranker_never_answers_what_the_reader_refuses() -> None:
    prefers_anything = _ranker("coverage", 0.0, -1.0, 1.0)
    answer = answerer(models=prefers_anything).answer("养老保险怎么交？")
    assert not answer.found and not answer.citations


def _gated(threshold: float, low: float, high: float) -> EvidenceModels:
    """The flipping ranker with a gate on the reader's lead coverage."""
    gate = _stump("lead_coverage", threshold, low, high, GATE_FEATURES)
    return EvidenceModels(_stump("hand_rank", 0.75, 1.0, -1.0), gate)


def test_the_gate_decides_whether_to_answer() -> None:
    """A gate refusing every lead under 0.9 of the question answers one its lead covers whole and
    refuses one the reader answers at 0.73; one answering every lead answers even a question the
    reader refuses, unless its lead covers under gate_min_coverage; the policy's
    answerable_probability is the cut."""
    strict = answerer(models=_gated(0.9, -5.0, 5.0))
    assert strict.answer("特困人员供养标准由谁确定？").found
    assert not strict.answer("特困人员供养标准每年公布吗？").found
    assert answerer().answer("特困人员供养标准每年公布吗？").found
    question = "特困人员怎么办理养老保险？"  # its lead covers 0.06 of it
    assert not answerer().answer(question).found
    low_floor = replace(AnswerPolicy(), gate_min_coverage=0.05)
    lenient = answerer(models=_gated(0.0, 5.0, 5.0), policy=low_floor)
    assert lenient.answer(question).found
    floored = answerer(models=_gated(0.0, 5.0, 5.0))
    assert not floored.answer(question).found  # under gate_min_coverage (0.08) no gate answers
    never = replace(AnswerPolicy(), answerable_probability=1.0)
    assert not answerer(models=_gated(0.0, 5.0, 5.0), policy=never).answer("特困人员供养标准由谁确定？").found


def test_a_yes_no_verdict_needs_a_surer_gate() -> None:
    """At a gate probability of 0.9 a who-question is answered (answerable_probability 0.85) and a yes/no
    question is not (verdict_answerable_probability 0.93): a verdict read off a neighbouring clause looks
    as sure as a right one, and only the surer ones stand."""
    at_090 = _gated(0.0, math.log(9.0), math.log(9.0))  # a constant logit of ln 9: probability 0.9
    yes_no = "特困人员供养标准每年公布吗？"
    assert analyse(yes_no, ANSWER_TYPES).qtype == "yesno"
    assert answerer(models=at_090).answer("特困人员供养标准由谁确定？").found
    assert not answerer(models=at_090).answer(yes_no).found
    as_others = replace(AnswerPolicy(), verdict_answerable_probability=0.85)
    assert answerer(models=at_090, policy=as_others).answer(yes_no).found


def test_gate_features_read_the_lead_and_the_learned_first() -> None:
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    rows = features(analyse(question, ANSWER_TYPES), evidence, hits)
    margins = [0.0] * (len(rows) - 1) + [3.0]  # the model prefers the last candidate
    row = dict(zip(GATE_FEATURES, gate_features("procedure", evidence[0], rows, margins), strict=True))
    assert row["lead_coverage"] == evidence[0].coverage and row["top_margin"] == 3.0
    assert row["margin_gap"] == 3.0 and row["learned_coverage"] == evidence[-1].coverage
    assert row["asks_procedure"] == 1.0 and row["asks_number"] == 0.0 and row["candidates"] == len(rows)
    bare = gate_features("number", evidence[0], [], [])
    assert len(bare) == len(GATE_FEATURES) and bare[0] == evidence[0].coverage


def _model(**changes: object) -> dict:
    data = {
        "format": FORMAT,
        "features": list(FEATURES),
        "baseline": 0.0,
        "trees": [{"feature": [0, -1, -1], "threshold": [1, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
                   "value": [0, 1, 2]}],
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "something else"}, "不是本程序的树模型"),
        ({"features": ["score"]}, "特征与程序不一致"),
        ({"baseline": "high"}, "格式错误"),
        ({"trees": [{"feature": [0, -1], "threshold": [1], "left": [1, 0], "right": [1, 0], "value": [0, 1]}]},
         "长度不一致"),
        ({"trees": [{"feature": [0, -1, -1], "threshold": [1, 0, 0], "left": [0, 0, 0], "right": [2, 0, 0],
                     "value": [0, 1, 2]}]}, "越界"),
        ({"trees": [{"feature": [999, -1, -1], "threshold": [1, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
                     "value": [0, 1, 2]}]}, "越界"),
    ],
)  # fmt: skip
def test_a_broken_model_is_refused_with_its_name_and_the_problem(changes: dict, message: str) -> None:
    assert parse_ensemble(_model(), "m.json", FEATURES).margins([[2.0] * len(FEATURES)]) == [2.0]
    with pytest.raises(PolicyAssistantError, match=rf"m\.json.*{message}"):
        parse_ensemble(_model(**changes), "m.json", FEATURES)


def test_a_model_file_that_cannot_be_read_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyAssistantError, match=r"nowhere\.json.*无法读取"):
        load_ensemble(FEATURES, tmp_path / "nowhere.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PolicyAssistantError, match=r"bad\.json.*JSON"):
        load_ensemble(FEATURES, bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_model()), encoding="utf-8")
    assert load_ensemble(FEATURES, good).source == str(good)
    with pytest.raises(PolicyAssistantError, match=r"good\.json.*特征与程序不一致"):
        load_models(ranker=good, gate=good)  # a ranker file is no gate


def test_the_shipped_models_read_the_current_features() -> None:
    models = shipped_models()
    assert models.gate is not None and len(models.ranker.trees) >= 50 and len(models.gate.trees) >= 20
    question = "特困人员供养标准由谁确定？"
    evidence, hits = _candidates(question)
    rows = features(analyse(question, ANSWER_TYPES), evidence, hits)
    margins = models.ranker.margins(rows)
    assert all(math.isfinite(m) for m in margins) and len(set(margins)) > 1
    read = models.read(analyse(question, ANSWER_TYPES), evidence, evidence[0], hits)
    assert read.answerable is not None and 0.0 <= read.answerable <= 1.0


def test_the_exported_ensemble_scores_as_the_fitted_one() -> None:
    """bench/train_ranker.py's export, read back without scikit-learn, gives the fitted model's margins."""
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import train_ranker

    rng = np.random.default_rng(7)
    x = rng.random((600, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] - x[:, 8] * x[:, 9] + 0.1 * rng.standard_normal(600)) > 0.4
    model = train_ranker.fit([train_ranker.Group("s", "q", "list", x.tolist(), y.tolist(), True)])
    exported = train_ranker.export(model, FEATURES, {"s": 1}, train_ranker.RANKER_SETTINGS)
    ranker = parse_ensemble(json.loads(json.dumps(exported)), "exported", FEATURES)
    probe = rng.random((50, len(FEATURES)))
    assert ranker.margins(probe.tolist()) == pytest.approx(model.decision_function(probe).tolist(), abs=1e-9)


def test_before_sentence_vectors_exist_the_reader_decides() -> None:
    """Just uploaded and still embedding: no sentence is close in meaning, so a gate answering anything
    and a ranker preferring the reader's second sentence are both set aside."""
    models = _gated(0.0, 5.0, 5.0)
    without_vectors = Answerer(KB, KB, KB.reader(), SETTINGS, models=models)
    assert without_vectors.answer("特困人员供养标准由谁确定？").short_answer == "县级人民政府"
    assert not without_vectors.answer("特困人员怎么办理养老保险？").found
    assert answerer(models=models).answer("特困人员供养标准由谁确定？").short_answer == "县级人民政府民政部门"
