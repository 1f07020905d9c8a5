"""The documents' own definitions as a thesaurus (术语定义): 荒山 in a question also looks for 四荒 when a
document defines 四荒 as 荒山、荒沟、荒丘、荒滩."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings
from assistant.defined_terms import DefinedTerms, definitions
from assistant.policy import DEFAULT_POLICY
from assistant.question import analyse

SIHUANG = """title: 青山市农村四荒资源开发管理规定
issuer: 青山市人民代表大会常务委员会
date: 2019-05-20
---
第一条 为了合理开发利用农村四荒资源，保护生态环境，促进农村经济发展，制定本规定。
第二条 本规定所称四荒资源（以下简称四荒），是指农村集体所有的荒山、荒沟、荒丘、荒滩。
第三条 四荒开发应当坚持统一规划、综合治理、谁开发谁受益的原则。
第四条 乡镇人民政府负责本行政区域内四荒开发的组织协调工作。
第五条 四荒使用权可以通过承包、租赁、拍卖等方式有偿出让。
第六条 同等条件下，本集体经济组织成员享有四荒开发优先权。
第七条 四荒使用权出让的期限最长不超过五十年。
第八条 本规定自2019年7月1日起施行。
"""
ZHAIJIDI = """title: 青山市农村宅基地管理办法
issuer: 青山市人民政府
date: 2020-03-01
---
第一条 为了规范农村宅基地管理，保障农村村民合法权益，制定本办法。
第二条 农村村民一户只能拥有一处宅基地。
第三条 村集体经济组织可以将退回的宅基地优先用于保障本村村民建房需求。
第四条 本村村民申请宅基地，应当向村集体经济组织提出书面申请。
第五条 本办法自2020年5月1日起施行。
"""


def test_a_definition_by_a_short_list_makes_its_items_point_to_the_term() -> None:
    pairs = definitions(
        "第二条 本规定所称四荒资源（以下简称四荒），是指农村集体所有的荒山、荒沟、荒丘、荒滩。"
    )
    assert pairs == [("荒山", "四荒"), ("荒沟", "四荒"), ("荒丘", "四荒"), ("荒滩", "四荒")]
    energy = (
        "本条例所称农村可再生能源，是指主要用于农业生产、农民生活的生物质能、太阳能、风能、水能等非化石能源。"
    )
    assert ("太阳能", "农村可再生能源") in definitions(energy)
    assert ("水能", "农村可再生能源") in definitions(energy)  # 水能等非化石能源: the 等… tail is cut


@pytest.mark.parametrize(
    "text",
    [
        # a definition by description names no kinds
        "本条例所称扶贫开发，是指国家机关、社会各界通过政策、资金、物资等方式支持贫困地区发展的活动。",
        # a long list is of activities, not kinds: 渔业 must not point to 专业规划
        "本法所称专业规划，是指防洪、治涝、灌溉、航运、供水、水力发电、竹木流放、渔业等规划。",
        # no 所称…是指 definition at all
        "荒山、荒沟、荒丘、荒滩可以通过招标、拍卖方式承包。",
    ],
)
def test_descriptions_long_lists_and_plain_lists_define_nothing(text: str) -> None:
    assert definitions(text) == []


def test_its_own_items_are_dropped_and_so_are_items_naming_nothing() -> None:
    assert definitions("本条例所称农药，是指化学合成的混合物及其制剂。") == []  # 其制剂: one real item left


def test_each_document_is_read_once_and_the_table_follows_the_documents() -> None:
    texts = {"a": SIHUANG, "b": ZHAIJIDI}
    reads: list[str] = []

    def text_of(doc_id: str) -> str | None:
        reads.append(doc_id)
        return texts.get(doc_id)

    terms = DefinedTerms(text_of)
    assert terms.table(["a", "b"])["荒山"] == ("四荒",)
    terms.table(["a", "b"])
    terms.table(["b", "a"])
    assert sorted(reads) == ["a", "b"]  # cached: the same documents are not read again
    assert "荒山" not in terms.table(["b"])  # a removed document's definitions go with it
    assert terms.table(["a", "b", "gone"])["荒沟"] == ("四荒",)  # a document without text defines nothing
    assert sorted(reads) == ["a", "a", "b", "gone"]  # a document back again is read again


def test_a_question_word_gains_the_defined_term_but_not_inside_a_named_document_or_a_word() -> None:
    terms = DefinedTerms({"a": SIHUANG, "w": "本法所称水域，是指江河、湖泊、水库。"}.get)
    info = terms.expand(analyse("本村人想承包荒山，有没有优先？"), ["a", "w"])
    assert "四荒" in info.expansions
    assert "四荒" in info.search_text
    # 湖泊 is listed under 水域, but here it is part of the name of the document asked about
    assert "水域" not in terms.expand(analyse("湖泊管理条例从哪天起施行？"), ["a", "w"]).expansions
    # 荒滩 inside 拆荒滩涂 is no word of the question (拆荒|滩涂)
    assert (
        terms.expand(analyse("拆荒滩涂要谁批准？"), ["a"]).expansions
        == analyse("拆荒滩涂要谁批准？").expansions
    )
    unchanged = analyse("宅基地谁审批？")
    assert terms.expand(unchanged, ["a"]) is unchanged


@pytest.fixture(scope="module")
def two_rules(tmp_path_factory: pytest.TempPathFactory, built_index: Any) -> Path:
    docs = tmp_path_factory.mktemp("defined-docs")
    (docs / "sihuang.txt").write_text(SIHUANG, encoding="utf-8")
    (docs / "zhaijidi.txt").write_text(ZHAIJIDI, encoding="utf-8")
    return built_index("defined-terms", [docs], added=2)


@pytest.mark.parametrize(
    "question", ["本村人想承包荒山，有没有优先？", "外面老板和村里人都想包荒滩，村里人能优先吗？"]
)
def test_a_question_in_the_defined_words_is_answered_from_the_rule_on_the_term(
    two_rules: Path, question: str
) -> None:
    policy = dataclasses.replace(DEFAULT_POLICY, defined_terms=True)
    assistant = Assistant(Settings(index_dir=two_rules), policy=policy)
    try:
        answer = assistant.ask(question)
    finally:
        assistant.close()
    # The 四荒 rules never say 荒山 or 荒滩 outside the definition; the 宅基地 rule says 优先 too. With the
    # definitions the 四荒 document answers. (The models refitted on 3,697 questions find it here even without
    # them, and for the second wording lead with the definition rather than 第六条: only the document is held.)
    assert answer.found and answer.citations
    assert {c.source for c in answer.citations} == {"sihuang.txt"}
    assert any("四荒" in c.quote for c in answer.citations)
