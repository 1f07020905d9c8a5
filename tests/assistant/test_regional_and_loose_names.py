"""Documents a question names loosely (文件称呼): a region's own document the knowledge base lacks is
refused with its name, while everyday nouns of a document kind (分红方案, 帮扶办法) are no missing document."""

from __future__ import annotations

import re

import pytest

from assistant.constraints import Unmet, document_gap
from assistant.docmatch import document_hints
from assistant.question import analyse, named_documents
from index.catalog import DocRecord

TITLES = {
    "law": "中华人民共和国乡村振兴促进法",
    "cwh": "中华人民共和国村民委员会组织法",
    "sd": "山东省村民委员会选举办法",
}


def _docs(*keys: str) -> list[DocRecord]:
    return [DocRecord(k, f"{k}.txt", TITLES[k], "", "2024-01-01", "", "fp", 1, 0.0) for k in keys]


def _gap(question: str, docs: list[DocRecord]) -> Unmet | None:
    info = analyse(question)
    return document_gap(info, docs, document_hints(info, docs))


SHANDONG_RULE = "山东省的村委会选举办法规定，选举委员会由几人组成？"


def test_a_regions_own_document_is_refused_by_name_when_no_document_of_that_region_is_held() -> None:
    gap = _gap(SHANDONG_RULE, _docs("law", "cwh"))
    assert gap is not None and gap.kind == "region"
    assert gap.message == "现有文件中没有山东省的村委会选举办法，无法据此回答。"


def test_a_regions_rule_asked_at_a_later_mention_is_refused_by_name() -> None:
    # The region is first named as a place (山东那边…), then its rule is asked for (按山东的规定).
    gap = _gap("山东那边村里换届，选举委员会按山东的规定由几人组成？", _docs("law", "cwh"))
    assert gap is not None and gap.kind == "region"
    assert gap.message == "现有文件中没有山东的规定，无法据此回答。"


def test_a_regions_own_document_held_is_no_gap() -> None:
    assert _gap(SHANDONG_RULE, _docs("law", "cwh", "sd")) is None


@pytest.mark.parametrize(
    "question",
    [
        "山东按照乡村振兴促进法规定，村庄规划由谁编制？",  # a national law named after the region
        "山东的村民委员会几年换届？",  # a region, but no document kind after it
    ],
)
def test_a_region_without_its_own_document_kind_is_no_gap(question: str) -> None:
    assert _gap(question, _docs("law", "cwh")) is None


# -- loose names of everyday-noun kinds --------------------------------------------------------------------


@pytest.mark.parametrize("question", ["合作社的分红方案怎么定？", "村里的帮扶办法有哪些？"])
def test_an_everyday_noun_of_a_document_kind_is_not_a_missing_document(question: str) -> None:
    assert document_hints(analyse(question), _docs("law")).missing == ()


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("按照浙江省乡村振兴条例，村庄规划谁编制？", "浙江省乡村振兴条例"),
        ("2024年防返贫监测办法规定了什么？", "2024年防返贫监测办法"),
        ("《分红方案》由谁通过？", "分红方案"),  # book-title marks make it a title
    ],
)
def test_a_name_with_a_mark_of_a_title_is_still_missing(question: str, name: str) -> None:
    assert document_hints(analyse(question), _docs("law")).missing == (name,)


@pytest.mark.parametrize("question", ["政府都有啥帮扶办法？", "这个手续咋个办法？"])
def test_names_with_sha_or_za_are_question_words_not_documents(question: str) -> None:
    assert named_documents(question) == ()


@pytest.mark.parametrize(
    "question", ["山东的老人按规定能领多少？", "山东农民能享受哪些政策？", "山东有没有出台相关政策？"]
)
def test_a_refusal_names_a_document_not_a_piece_of_the_question(question: str) -> None:
    gap = _gap(question, _docs("law", "cwh"))
    assert gap is None or not re.search(r"按规定|哪些|有没有|能", gap.message), gap.message
