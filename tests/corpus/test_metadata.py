"""Tests for corpus.metadata (元数据头与推断元数据)."""

from __future__ import annotations

import pytest

from corpus.metadata import derive_meta, find_doc_number, merge_meta, normalize_date, parse_header
from corpus.types import DocMeta

SHANXI_HEAD = (
    "聚焦五大能力 有效衔接乡村振兴\n"
    "时间: 来源:农村工作通讯-中国农村网 作者:山西省委农办主任、省农业农村厅厅长□ 刘志杰 字号:【\n"
    "\n"
    "  山西是脱贫攻坚的重要战场。\n"
)


def test_parse_english_header() -> None:
    text = "title: 河南省扶贫开发条例\nissuer: 河南省人大常委会\ndate: 2017-12-01\nsource: x.md\n---\n正文第一行\n"
    meta, body_start = parse_header(text)
    assert meta == DocMeta(
        title="河南省扶贫开发条例", issuer="河南省人大常委会", date="2017-12-01", source_url="x.md"
    )
    assert text[body_start:] == "正文第一行\n"


def test_parse_chinese_header_with_extra_keys_and_full_width_colon() -> None:
    text = "标题：关于做好某项工作的通知\n发文机关：国务院办公厅\n日期：2020年5月6日\n发文字号：国办发〔2020〕5号\n密级：公开\n---\n正文"
    meta, body_start = parse_header(text)
    assert meta.title == "关于做好某项工作的通知"
    assert meta.issuer == "国务院办公厅"
    assert meta.date == "2020-05-06"  # normalized to ISO
    assert meta.doc_number == "国办发〔2020〕5号"
    assert meta.extra == (("密级", "公开"),)
    assert text[body_start:] == "正文"


def test_yaml_front_matter_and_unparseable_date_kept() -> None:
    text = '---\nTitle: "Quoted"\nauthor: 张三\ndate: 待定\n---\nbody'
    meta, body_start = parse_header(text)
    assert (meta.title, meta.author, meta.date) == ("Quoted", "张三", "待定")
    assert text[body_start:] == "body"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "没有元数据头的正文\n---\n后面还有\n",  # a rule inside the body is not a header end
        "title: 只有键值没有结束线\n正文\n",
        "---\n---\n正文",
    ],
)
def test_no_header(text: str) -> None:
    assert parse_header(text) == (DocMeta(), 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中发〔2021〕1号", "中发〔2021〕1号"),
        ("（国发〔2014〕第12号）", "国发〔2014〕第12号"),
        ("粤府办[2020]5号", "粤府办〔2020〕5号"),
        ("见京政发［2019］23号文", "京政发〔2019〕23号"),
        ("2014年2月21日 中华人民共和国国务院令第649号公布", "中华人民共和国国务院令第649号"),
        ("本条例自公布之日起施行。", ""),
        ("根据国务院国发〔2014〕12号文件", ""),  # prefix too long to tell where the 代字 starts
    ],
)
def test_find_doc_number(text: str, expected: str) -> None:
    assert find_doc_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年2月21日", "2021-02-21"),
        ("发布于 2021 年 2 月 1 日", "2021-02-01"),
        ("2021-02-21", "2021-02-21"),
        ("2019.3.2", "2019-03-02"),
        ("二〇二一年二月二十一日", "2021-02-21"),
        ("二〇二〇年十二月三十一日", "2020-12-31"),
        ("2021年2月30日 后改为 2020年1月1日", "2020-01-01"),  # invalid dates are skipped
        ("第12号 共3页", ""),
    ],
)
def test_normalize_date(text: str, expected: str) -> None:
    assert normalize_date(text) == expected


def test_derive_from_scraped_byline() -> None:
    meta = derive_meta(SHANXI_HEAD, 0, "fallback")
    assert meta.title == "聚焦五大能力 有效衔接乡村振兴"
    assert meta.source_url == "农村工作通讯-中国农村网"
    # The □ is the page's spacer glyph scraped as text, not part of the author's name.
    assert meta.author == "山西省委农办主任、省农业农村厅厅长 刘志杰"
    assert meta.date == ""


def test_byline_fillers_become_one_space() -> None:
    meta = derive_meta("标题\n来源：某某日报\ufffd网 作者：记者□□张三\u3000 李四\n", 0, "fb")
    assert (meta.source_url, meta.issuer, meta.author) == ("某某日报 网", "某某日报 网", "记者 张三 李四")
    assert derive_meta("标题\n作者：□\n", 0, "fb").author == ""


def test_derive_from_official_document() -> None:
    text = "header\n---\n\n国务院关于印发某某办法的通知\n国发〔2014〕12号\n\n各省人民政府：\n现印发。\n\n国务院\n2014年2月21日\n"
    meta = derive_meta(text, text.index("---") + 4, "fallback")
    assert meta.title == "国务院关于印发某某办法的通知"
    assert meta.doc_number == "国发〔2014〕12号"
    assert meta.date == "2014-02-21"


def test_derive_skips_doc_number_line_for_title_and_falls_back_on_sentences() -> None:
    assert derive_meta("国发〔2014〕12号\n关于某事的通知\n", 0, "fb").title == "关于某事的通知"
    assert derive_meta("这是一句很普通的正文句子。\n", 0, "fb").title == "fb"
    assert derive_meta("长" * 81 + "\n", 0, "fb").title == "fb"
    assert derive_meta("\n\n", 0, "fb").title == "fb"


def test_source_and_author_on_separate_lines_and_not_inside_sentences() -> None:
    meta = derive_meta("标题\n来源：新华社\n作者：张三\n资金来源：财政拨款\n", 0, "fb")
    assert (meta.source_url, meta.author) == ("新华社", "张三")
    assert derive_meta("标题\n资金来源：财政拨款\n", 0, "fb").source_url == ""


def test_merge_meta_header_wins_and_gaps_filled() -> None:
    header = DocMeta(title="正式标题", date="2024-01-02", extra=(("k", "v"),))
    derived = DocMeta(
        title="首行", date="2020-01-01", doc_number="国发〔2014〕12号", author="张三", extra=(("k", "v"),)
    )
    merged = merge_meta(header, derived)
    assert merged == DocMeta(
        title="正式标题", date="2024-01-02", doc_number="国发〔2014〕12号", author="张三", extra=(("k", "v"),)
    )
