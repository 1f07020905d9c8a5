"""Tests for corpus.structure (文档结构): heading kinds, levels and breadcrumb section paths."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus.structure import analyse, breadcrumb

LAW = """中华人民共和国乡村振兴促进法

第一章 总则

第一条 为了全面实施乡村振兴战略，制定本法。

第二条 本法适用于下列活动：
（一）乡村产业振兴，在本集体内进行；
（二）乡村人才振兴。

第二章 产业发展

第三条 国家完善农村集体产权制度。
"""

YIJIAN = """关于做好2024年全面推进乡村振兴重点工作的意见

一、确保国家粮食安全

（一）抓好粮食和重要农产品生产。扎实推进新一轮千亿斤粮食产能提升行动。

（二）严格落实耕地保护制度。健全耕地数量、质量、生态“三位一体”保护制度体系。

二、确保不发生规模性返贫

（一）落实防止返贫监测帮扶机制。对存在返贫致贫风险的农户，纳入监测范围。
"""

ARTICLE = """山西是脱贫攻坚的重要战场。全省上下凝心聚力，取得了决定性成就，为全国提供了宝贵经验。

　　聚焦目标任务抓统筹推进。省委省政府坚持把脱贫攻坚作为头等大事和第一民生工程，层层压实责任。

　　聚焦产业发展抓增收致富。各地因地制宜发展特色产业，带动贫困群众稳定增收，做到户户有增收项目。
"""

MARKDOWN = (
    "# 总则\n\n本办法适用于全省。\n\n## 适用范围\n\n适用于农村地区。\n\n# 附则\n\n本办法自发布之日起施行。\n"
)


class Paths:
    """Breadcrumb of the body line that starts with a given prefix."""

    def __init__(self, text: str) -> None:
        self._lines = [(text[line.start : line.end], breadcrumb(line.path)) for line in analyse(text)]

    def __getitem__(self, prefix: str) -> str:
        matches = [path for body, path in self._lines if body.startswith(prefix)]
        assert len(matches) == 1, (prefix, self._lines)
        return matches[0]


def paths(text: str) -> Paths:
    return Paths(text)


def test_law_articles_sit_under_their_chapter() -> None:
    got = paths(LAW)
    assert got["中华人民共和国乡村振兴"] == ""
    assert got["第一章 总则"] == "第一章 总则"
    assert got["第一条 为了全面实施乡村"] == "第一章 总则 > 第一条"
    assert got["第三条 国家完善农村集体"] == "第二章 产业发展 > 第三条"
    # List items of an article nest under the article.
    assert got["（二）乡村人才振兴。"] == "第一章 总则 > 第二条 > （二）乡村人才振兴"


def test_article_label_is_only_its_number() -> None:
    line = next(line for line in analyse(LAW) if LAW[line.start :].startswith("第一条"))
    assert line.is_heading
    assert [(h.kind, h.label) for h in line.path] == [("zhang", "第一章 总则"), ("tiao", "第一条")]
    assert line.path[-1].start == line.start


def test_opinion_items_nest_under_numbered_parts() -> None:
    got = paths(YIJIAN)
    assert got["一、确保国家粮食安全"] == "一、确保国家粮食安全"
    assert got["（二）严格落实耕地保护制"] == "一、确保国家粮食安全 > （二）严格落实耕地保护制度"
    # A new 二、 closes 一、 and its items; its own （一） starts afresh.
    assert got["（一）落实防止返贫监测帮"] == "二、确保不发生规模性返贫 > （一）落实防止返贫监测帮扶机制"


def test_inline_heading_label_stops_at_the_first_full_stop() -> None:
    line = next(line for line in analyse(YIJIAN) if YIJIAN[line.start :].startswith("（一）抓好"))
    assert line.path[-1].label == "（一）抓好粮食和重要农产品生产"
    assert line.path[-1].kind == "cn_paren"


def test_article_lead_sentences_act_as_headings() -> None:
    lines = analyse(ARTICLE)
    got = {ARTICLE[line.start : line.end][:6]: breadcrumb(line.path) for line in lines}
    # An opening statement with 是 is not a heading.
    assert got["山西是脱贫攻"] == ""
    assert got["聚焦目标任务"] == "聚焦目标任务抓统筹推进。"
    assert got["聚焦产业发展"] == "聚焦产业发展抓增收致富。"
    assert [line.path[0].kind for line in lines if line.path] == ["lead", "lead"]
    # Lines start after the ideographic indent.
    assert ARTICLE[lines[1].start] == "聚"


def _point(lead: str) -> str:
    return f"　　{lead}。各地要把这项工作摆上重要位置，逐级压实责任，确保各项措施落地见效。\n\n"


def test_article_closing_after_one_paragraph_points_is_no_part_of_the_last() -> None:
    # Every point is one paragraph, so the paragraphs after the last are the article's closing,
    # whatever their wording; the opening statement keeps no section.
    text = (
        "山西是脱贫攻坚的重要战场。全省上下凝心聚力，取得了决定性成就。\n\n"
        + "".join(
            _point(lead)
            for lead in ("聚焦目标任务抓统筹推进", "聚焦体制机制抓有效衔接", "聚焦能力提升抓巩固拓展")
        )
        + "　　实施好重点工程项目，培育1000家龙头企业，新建一批农村基础设施项目，持续改善生产生活条件。\n\n"
        + "　　巩固脱贫成果是基础，做好有效衔接是关键。我们将做实做细各项工作。\n"
    )
    got = paths(text)
    assert got["山西是脱贫攻坚"] == ""
    assert got["聚焦能力提升"] == "聚焦能力提升抓巩固拓展。"
    assert got["实施好重点工程"] == got["巩固脱贫成果"] == "结语"
    closing = [line for line in analyse(text) if line.path and line.path[0].label == "结语"]
    assert [line.is_heading for line in closing] == [False, False]
    assert closing[0].path[0].start == closing[0].start


def test_article_closing_is_told_by_its_opening_words_when_points_run_on() -> None:
    leads = ("聚焦目标任务抓统筹推进", "聚焦产业发展抓增收致富")
    points = "".join(
        _point(lead) + "　　各县要建立工作台账，按月调度进展，及时解决突出问题。\n\n" for lead in leads
    )
    # The last point runs on over a second paragraph; only a recap (综上…, 围绕上述…) starts the closing.
    assert paths(points)["聚焦产业发展"] == "聚焦产业发展抓增收致富。"
    assert [breadcrumb(line.path) for line in analyse(points)][-1] == "聚焦产业发展抓增收致富。"
    for recap in ("综上所述，各项工作要统筹推进、一体落实。", "围绕上述两个方面，实施好一批重点项目。"):
        got = paths(points + "　　" + recap + "\n")
        assert got[recap[:6]] == "结语", recap
    # A numbered document's last item keeps its closing paragraphs: the rule is for articles only.
    numbered = YIJIAN + "\n综上所述，各地要抓好落实。\n"
    assert paths(numbered)["综上所述"] == "二、确保不发生规模性返贫 > （一）落实防止返贫监测帮扶机制"


def test_lead_sentences_are_ignored_when_formal_headings_exist() -> None:
    text = (
        "第一条 总体要求。\n\n聚焦目标任务抓统筹推进。省委省政府坚持把脱贫攻坚作为头等大事和第一民生工程。\n"
    )
    kinds = [h.kind for line in analyse(text) for h in line.path]
    assert "lead" not in kinds


def test_markdown_levels_nest_and_a_new_level_one_closes_them() -> None:
    got = paths(MARKDOWN)
    assert got["本办法适用于全省。"] == "总则"
    assert got["适用于农村地区。"] == "总则 > 适用范围"
    assert got["本办法自发布之日起施行。"] == "附则"


def test_book_part_chapter_section_article_nest_in_order() -> None:
    text = "第一编 总则\n第一章 基本规定\n第一节 一般规定\n第一条 为了规范管理，制定本法。\n第二章 附则\n第二条之一 本法自公布之日起施行。\n"
    got = paths(text)
    assert got["第一条 为了规范管理，制定"] == "第一编 总则 > 第一章 基本规定 > 第一节 一般规定 > 第一条"
    assert got["第二条之一 本法自公布之"] == "第一编 总则 > 第二章 附则 > 第二条之一"


def test_article_references_inside_a_sentence_are_not_headings() -> None:
    text = "第三条第一款规定了内容。\n第一章节的内容。\n"
    assert all(not line.is_heading and line.path == () for line in analyse(text))


def test_skipped_ranges_are_not_lines() -> None:
    header = "标题: 关于春耕的通知\n发文机关: 农业农村部\n\n"
    text = header + "一、总体要求\n抓好春耕。\n"
    lines = analyse(text, ((0, len(header)),))
    assert [text[line.start : line.end] for line in lines] == ["一、总体要求", "抓好春耕。"]


def test_top_is_the_coarsest_heading_present() -> None:
    # Without chapters, an article is the top level of a law.
    text = "第一条 为了规范管理。\n（一）第一项。\n第二条 施行日期。\n"
    tops = [line.top.label if line.top else None for line in analyse(text)]
    assert tops == ["第一条", "第一条", "第二条"]


LINES = st.lists(
    st.one_of(
        st.sampled_from(["第一章 总则", "第二章 附则", "第三条 规定。", "一、总体要求", "（二）重点任务。"]),
        st.sampled_from(["# 标题", "## 小节", "1、事项", "（3）细目", "　　聚焦目标任务抓统筹推进。"]),
        st.text(alphabet="政策乡村振兴农民，。“” \u3000", max_size=40),
    ),
    max_size=15,
)


@given(LINES)
def test_lines_are_exact_ordered_and_paths_start_at_headings(lines: list[str]) -> None:
    text = "\n".join(lines)
    previous = -1
    for line in analyse(text):
        body = text[line.start : line.end]
        assert body and body == body.strip(" \t\u3000\xa0") and "\n" not in body
        assert line.start > previous
        previous = line.end
        for heading in line.path:
            assert heading.start <= line.start
        if line.is_heading:
            assert line.path and line.path[-1].start == line.start
