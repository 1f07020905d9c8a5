"""Tests for corpus.clean (网页模板/页脚识别), on synthetic pages and the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.clean import boilerplate_spans, merge_spans
from corpus.metadata import parse_header

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SHANXI = "shanxi-juji-wuda-nengli.txt"
HEADER_DOCS = sorted(p.name for p in CORPUS.glob("*.txt") if p.name != SHANXI)


def marked_text(text: str, spans: list[tuple[int, int]]) -> str:
    return "".join(text[start:end] for start, end in spans)


def kept_text(text: str, spans: list[tuple[int, int]]) -> str:
    kept, pos = [], 0
    for start, end in spans:
        kept.append(text[pos:start])
        pos = end
    kept.append(text[pos:])
    return "".join(kept)


PAGE = (
    "首页 | 新闻中心 | 政策法规 | 办事服务\n"
    "当前位置：首页 > 政策法规\n"
    "关于做好春耕生产的通知\n"
    "发布时间：2024-03-01 来源：农业农村部\n"
    "字号：【大 中 小】 打印本页 关闭窗口\n"
    "各地要切实抓好春耕生产，确保粮食安全。\n"
    "企业应当提供技术支持、培训等服务，保障农民权益。\n"
    "| 项目 | 金额 | 备注 |\n"
    "国务院办公厅\n"
    "2024年3月1日\n"
    "分享到：微信 微博\n"
    "上一篇：关于秋收的通知\n"
    "下一篇：关于冬储的通知\n"
    "主办单位：某某网\n"
    "邮箱：a@b.cn\n"
    "主办单位：某某网\n"
)


def test_synthetic_page() -> None:
    spans = boilerplate_spans(PAGE, 0)
    marked = marked_text(PAGE, spans)
    kept = kept_text(PAGE, spans)
    for line in (
        "首页 | 新闻中心",
        "当前位置",
        "发布时间",
        "字号",
        "分享到",
        "上一篇",
        "下一篇",
        "主办单位",
        "邮箱",
    ):
        assert line in marked, line
    for line in (
        "关于做好春耕生产的通知",
        "各地要切实抓好春耕生产",
        "技术支持、培训",  # keyword inside a sentence is content
        "| 项目 | 金额 | 备注 |",  # markdown table row, not a navigation bar
        "国务院办公厅\n2024年3月1日\n",  # 落款 before the footer starts is kept
    ):
        assert line in kept, line


def test_spans_are_whole_lines_and_respect_body_start() -> None:
    text = "title: x\n---\n来源：新华社\n正文内容在这里，共有若干句子。\n版权所有 某某网"
    body_start = parse_header(text)[1]
    spans = boilerplate_spans(text, body_start)
    assert marked_text(text, spans) == "来源：新华社\n版权所有 某某网"
    assert all(s >= body_start for s, _ in spans)
    assert boilerplate_spans(text, len(text)) == []


def test_repeated_lines_only_count_in_the_tail() -> None:
    head = "重复的小标题\n" + "正文句子，内容充实而且足够长，说明政策要求。\n" * 3
    text = (
        head + "重复的小标题\n" + "更多正文，说明具体措施和要求，内容足够长。\n" * 6 + "本站声明\n本站声明\n"
    )
    marked = marked_text(text, boilerplate_spans(text, 0))
    assert marked == "本站声明\n本站声明\n"


def test_merge_spans() -> None:
    assert merge_spans([(5, 8), (0, 3), (3, 4), (7, 10), (12, 12)]) == [(0, 4), (5, 10)]


@pytest.mark.parametrize("name", HEADER_DOCS)
def test_header_documents_have_no_boilerplate(name: str) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    body_start = parse_header(text)[1]
    assert body_start > 0
    assert boilerplate_spans(text, body_start) == []


def test_shanxi_page_footer_and_byline_marked_content_kept() -> None:
    text = (CORPUS / SHANXI).read_text(encoding="utf-8")
    spans = boilerplate_spans(text, 0)
    marked, kept = marked_text(text, spans), kept_text(text, spans)
    byline = text.splitlines(keepends=True)[1]
    assert byline.startswith("时间: 来源:") and byline in marked
    footer_start = text.index("责任编辑")
    assert spans[-1] == (footer_start, len(text))  # the whole footer, to the end of the file
    for needle in ("版权所有", "ICP备", "公网安备", "互联网新闻信息服务许可证", "邮箱", "联系我们"):
        assert needle not in kept, needle
    assert kept.startswith("聚焦五大能力 有效衔接乡村振兴\n")
    paragraphs = [
        p.strip() for p in text[:footer_start].split("\n") if p.strip() and not p.startswith("时间:")
    ]
    assert len(paragraphs) == 12
    for paragraph in paragraphs:
        assert paragraph in kept
    assert "5479座光伏村级电站" in kept
    assert "巩固脱贫成果是基础" in kept


@given(st.text(alphabet=st.sampled_from(list("来源作者：: |\n版权所有。正文责任编辑ab")), max_size=200))
def test_spans_are_sorted_disjoint_line_ranges(text: str) -> None:
    spans = boilerplate_spans(text, 0)
    line_starts = {0} | {i + 1 for i, ch in enumerate(text) if ch == "\n"}
    previous_end = -1
    for start, end in spans:
        assert previous_end < start < end <= len(text)
        assert start in line_starts
        assert end == len(text) or end in line_starts
        previous_end = end
