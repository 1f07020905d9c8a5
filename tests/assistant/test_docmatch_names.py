"""How questions name documents (文件称呼): the words around a name, loose and misspelled names, years."""

from __future__ import annotations

import pytest

from assistant.docmatch import document_hints, name_similarity, split_year
from assistant.lexicon import SYNONYMS
from assistant.question import analyse, named_documents
from assistant.word_tables import load_lexicon
from corpus.errors import PolicyAssistantError
from index.catalog import DocRecord

TITLES = {
    "law": ("中华人民共和国乡村振兴促进法", "2021-04-29"),
    "jiti": ("中华人民共和国农村集体经济组织法", "2024-06-28"),
    "gd": ("广东省乡村振兴促进条例", "2022-06-01"),
    "yh23": (
        "中共中央　国务院关于做好2023年全面推进乡村振兴重点工作的意见（2023年中央一号文件）",
        "2023-01-02",
    ),
    "yh25": (
        "中共中央 国务院关于进一步深化农村改革 扎实推进乡村全面振兴的意见（2025年中央一号文件）",
        "2025-01-01",
    ),
}
DOCS = [DocRecord(k, f"{k}.txt", t, "", d, "", "fp", 1, 0.0) for k, (t, d) in TITLES.items()]
PLAN15 = DocRecord(
    "plan15",
    "plan15.txt",
    "中共中央关于制定国民经济和社会发展第十五个五年规划的建议",
    "",
    "2025-10-28",
    "",
    "fp",
    1,
    0.0,
)


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("请问广东省乡村振兴促进条例里，村庄规划谁编制？", ("广东省乡村振兴促进条例",)),
        ("问一下，根据农村集体经济组织法，理事会几个人？", ("农村集体经济组织法",)),
        ("咨询一下，按照2024年中央一号文件，要做什么？", ("2024年中央一号文件",)),
        ("低保标准按照社会救助暂行办法怎么定？", ("社会救助暂行办法",)),
        ("老年人权益保障法里，高龄补贴怎么发？", ("老年人权益保障法",)),
        ("请问中华人民共和国农村集体经济组织法里，成员怎么认定？", ("中华人民共和国农村集体经济组织法",)),
        ("国务院那个社会救助办法，从几月几号开始执行？", ("社会救助办法",)),
        ("广东的那部乡村振兴促进条例里，村庄规划谁编制？", ("乡村振兴促进条例",)),
    ],
)
def test_openers_prepositions_and_owners_are_cut_from_names(question: str, names: tuple[str, ...]) -> None:
    assert named_documents(question) == names


@pytest.mark.parametrize(
    "question",
    [
        "根据法律法规，低保谁审批？",
        "依照法律法规和国家政策，这事怎么办？",
        "按照有关规定，村务怎么公开？",
        "制定帮扶项目资产管理办法，健全哪几样监管制度？",
        "新建村庄前，谁要组织制定管线设置方案？",
        "哪几个方面的产生办法由农村集体经济组织章程规定？",
        "未经批准或者违反规划怎么处理？",
    ],
)
def test_generic_phrases_and_clauses_name_no_document(question: str) -> None:
    assert named_documents(question) == ()


def test_a_year_is_split_from_a_name() -> None:
    assert split_year("2024年中央一号文件") == ("2024", "中央一号文件")
    assert split_year("24年一号文件") == ("2024", "一号文件")
    assert split_year("2025年的中央一号文件") == ("2025", "中央一号文件")
    assert split_year("乡村振兴促进法") == ("", "乡村振兴促进法")


def test_similarity_tolerates_one_typo_but_not_another_law() -> None:
    law = TITLES["law"][0]
    assert name_similarity("乡村振新法", law) == pytest.approx(0.8)
    assert name_similarity("土地管理法", law) < 0.5
    assert name_similarity("湖南省乡村振兴促进条例", TITLES["gd"][0]) == 0.0  # another province


def test_loose_and_misspelled_names_point_to_the_closest_title() -> None:
    for question in (
        "乡村振新法什么时候施行？",
        "集体经济组职法里，理事会几个人？",
        "《广东的条列》规定了什么？",
    ):
        hints = document_hints(analyse(question), DOCS)
        assert hints.targeted and not hints.missing, question
    hints = document_hints(analyse("请问根据土地管理法，宅基地怎么批？"), DOCS)
    assert hints.missing == ("土地管理法",) and not hints.targeted
    # a plan or scheme in everyday words (那个保护发展规划) is meant only by a title holding it nearly as
    # written, never one sharing 发展…规划 loosely
    hints = document_hints(analyse("村里进了名录，那个保护发展规划要多久内编好？"), [*DOCS, PLAN15])
    assert not hints.targeted and not hints.missing


def test_a_law_asked_is_not_a_regulation_of_the_same_name() -> None:
    docs = [
        *DOCS,
        DocRecord("wza", "wza.md", "无障碍环境建设条例", "", "2012-06-28", "", "fp", 1, 0.0),
        DocRecord("jz", "jz.txt", "社会救助暂行办法", "", "2014-02-21", "", "fp", 1, 0.0),
    ]
    hints = document_hints(analyse("新出的《无障碍环境建设法》是从哪天开始施行的？"), docs)
    assert hints.missing == ("无障碍环境建设法",) and not hints.targeted
    assert document_hints(analyse("无障碍环境建设条例是哪天开始施行的？"), docs).targeted == ("wza",)
    # 办法 is a kind of 法: a loose 社会救助法 still finds the 暂行办法, and a 办法 asked may be a 条例 held
    assert document_hints(analyse("按社会救助法，低保谁审批？"), docs).targeted == ("jz",)
    assert document_hints(analyse("无障碍环境建设办法里，盲道谁管？"), docs).targeted == ("wza",)


def only_gap(question: str, docs: list[DocRecord] = DOCS) -> tuple[object, ...]:
    """The one gap a question's named document is, as (kind, asked, name, labels, others); it points
    to no document and names none missing."""
    hints = document_hints(analyse(question), docs)
    assert hints.targeted == () and hints.missing == ()
    (gap,) = hints.gaps
    return (gap.kind, gap.asked, gap.name, gap.labels, gap.others)


def test_a_named_year_picks_that_years_document_or_is_a_gap() -> None:
    assert document_hints(analyse("23年一号文件里，高标准农田建多少？"), DOCS).targeted == ("yh23",)
    hints = document_hints(analyse("2024年一号文件里，高标准农田建多少？"), DOCS)
    assert hints.targeted == () and hints.missing == ()
    (gap,) = hints.gaps
    assert (gap.kind, gap.asked, gap.name, gap.labels, set(gap.others)) == (
        "year",
        "2024",
        "一号文件",
        ("2023", "2025"),
        {"yh23", "yh25"},
    )


def test_a_five_year_plans_number_is_matched_as_a_year_is() -> None:
    """十四五规划建议 shares all but one character with the 十五五 plan's title: it is a gap, with that plan
    as the related document; 十五五 (either way of writing it) points to it."""
    docs = [*DOCS, PLAN15]
    assert only_gap("十四五规划建议里对农民增收提的啥目标？", docs) == (
        "plan",
        "十四五",
        "规划建议",
        ("十五五",),
        ("plan15",),
    )
    for question in (
        "十五五规划建议里对农民增收提的啥目标？",
        "第十五个五年规划的建议对农民增收提的啥目标？",
    ):
        hints = document_hints(analyse(question), docs)
        assert hints.targeted == ("plan15",) and hints.gaps == ()


def test_a_named_region_the_knowledge_base_lacks_is_a_gap_not_a_missing_name() -> None:
    assert only_gap("请问湖南省乡村振兴促进条例里，村庄规划谁编制？") == (
        "region",
        "湖南",
        "乡村振兴促进条例",
        ("广东",),
        ("gd",),
    )


def test_the_lexicon_is_data_and_a_bad_line_is_named() -> None:
    assert SYNONYMS["一号文件"] == ("中央一号文件",) and SYNONYMS["县里"] == ("县级人民政府",)
    assert load_lexicon("# 注释\n低保\t最低生活保障\n\n三中全会\t进一步全面深化改革\t决定\n") == {
        "低保": ("最低生活保障",),
        "三中全会": ("进一步全面深化改革", "决定"),
    }
    with pytest.raises(PolicyAssistantError, match=r"lexicon\.tsv 第2行"):
        load_lexicon("低保\t最低生活保障\n户口\n")


def test_a_name_points_to_titles_of_its_own_kind_when_several_match() -> None:
    """乡村振兴促进法 is the law; the 乡村振兴促进条例 beside it matches almost as well, but is a 条例."""
    assert document_hints(analyse("乡村振兴促进法里说的“乡村”是什么意思？"), DOCS).targeted == ("law",)
    assert document_hints(analyse("乡村振兴促进条例里村庄规划谁编制？"), DOCS).targeted == ("gd",)


def test_a_regions_rules_in_general_point_to_its_documents_not_to_another_regions_规定() -> None:
    docs = [
        *DOCS,
        DocRecord(
            "bj",
            "bj.md",
            "北京市实施《中华人民共和国村民委员会组织法》若干规定",
            "",
            "2012-09-28",
            "",
            "fp",
            1,
            0.0,
        ),
        DocRecord("zj", "zj.md", "浙江省村民委员会选举办法", "", "2020-07-31", "", "fp", 1, 0.0),
    ]
    hints = document_hints(analyse("主持村委会换届的村民选举委员会，浙江规定要配多少人？"), docs)
    assert hints.gaps == () and hints.missing == ()
    assert hints.targeted == ("zj",)


def test_a_citys_rules_in_general_point_to_every_document_of_the_city() -> None:
    """按绍兴的规定 names no one title: not the one sharing a few of its characters (绍兴市村庄规划建设条例)
    alone, but every document of 绍兴, as 河南的规定 does for a province."""
    docs = [
        *DOCS,
        DocRecord("cz", "cz.md", "绍兴市村庄规划建设条例", "", "2020-01-01", "", "fp", 1, 0.0),
        DocRecord("yl", "yl.md", "绍兴市居家养老服务条例", "", "2021-10-12", "", "fp", 1, 0.0),
    ]
    hints = document_hints(analyse("按绍兴的规定，一个行政村最少配几处养老用房？"), docs)
    assert sorted(hints.targeted) == ["cz", "yl"] and not hints.missing
    assert document_hints(analyse("广东的规定里，村庄规划谁编？"), docs).targeted == ("gd",)


@pytest.mark.parametrize(
    "question",
    [
        "谁算就业困难人员，山东是省里统一定认定办法，还是市里定？",  # a spoken place and 是 in no title
        "兵役登记没法自己去弄，咋办？",  # 没法: no way
        "一个亲戚都没有，后事按条例该谁来张罗？",  # a bare kind after 按
        "除了按检疫法规处理，还能另外罚多少？",  # 法规: regulations in general
    ],
)
def test_spoken_words_name_no_document(question: str) -> None:
    assert named_documents(question) == ()


def test_a_law_cited_before_its_provisions_is_still_named() -> None:
    assert named_documents("依照森林法规定，采伐要许可证吗？") == ("森林法",)
    assert named_documents("四川省反家庭暴力条例规定，村里要不要设联络员？") == ("四川省反家庭暴力条例",)
