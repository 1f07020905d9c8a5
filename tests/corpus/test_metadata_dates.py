"""The document's own date and issuer (文件日期与发文机关), as a reader of 公文 finds them.

Order: the ``key: value`` header; a byline field (发布时间：…); the 题注 under the title (its latest
通过/修订/修正 event); the 落款 (issuer lines, then the date line, at the end); a date in the file name;
a date in the title line. A date in the body (a deadline such as 2024年6月30日前) is never taken.
Every file here is a real file loaded from ``tmp_path`` by :func:`corpus.loaders.load_file`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.dating import file_name_date, signature
from corpus.loaders import load_file, load_paths
from corpus.types import SourceDoc

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

NOTICE = (
    "某某县人民政府关于做好2024年春耕生产工作的通知\n"
    "某政发〔2024〕3号\n"
    "\n"
    "各乡镇人民政府，县直各单位：\n"
    "    为抓好春耕生产，现将有关事项通知如下。\n"
    "    一、各乡镇请于2024年6月30日前报送春耕进度，2024年12月31日前报送全年总结。\n"
    "    二、县农业农村局负责督导。\n"
    "\n"
    "{signature}"
)


def write(tmp_path: Path, name: str, text: str) -> SourceDoc:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_file(path)


@pytest.mark.parametrize(
    "signature_lines",
    [
        "某某县人民政府\n2024年3月5日\n",
        "                                某某县人民政府\n                                2024年3月5日\n",
        "某某县人民政府\n二〇二四年三月五日\n",
        "某某县人民政府\n二○二四年三月五日\n",  # ○ (U+25CB) typed for 〇
        "某某县人民政府\n2024 年 3 月 5 日\n（此件公开发布）\n",
        "某某县人民政府　2024年3月5日\n",  # issuer and date on one line
    ],
    ids=["plain", "indented", "chinese-numerals", "circle-zero", "spaced-and-note", "one-line"],
)
def test_notice_date_and_issuer_come_from_the_signature_not_a_deadline(
    tmp_path: Path, signature_lines: str
) -> None:
    doc = write(tmp_path, "chungeng-tongzhi.txt", NOTICE.format(signature=signature_lines))
    assert doc.meta.date == "2024-03-05"
    assert doc.meta.issuer == "某某县人民政府"
    assert doc.meta.doc_number == "某政发〔2024〕3号"
    assert doc.meta.title == "某某县人民政府关于做好2024年春耕生产工作的通知"


def test_joint_signature_names_every_issuer(tmp_path: Path) -> None:
    doc = write(
        tmp_path, "lianhe.txt", NOTICE.format(signature="某某县农业农村局\n某某县财政局\n2024年3月5日\n")
    )
    assert (doc.meta.issuer, doc.meta.date) == ("某某县农业农村局 某某县财政局", "2024-03-05")


def test_signature_before_an_annex(tmp_path: Path) -> None:
    text = NOTICE.format(
        signature="某某县人民政府\n2024年3月5日\n\n附件1\n春耕进度表\n乡镇\t完成日期\n城关镇\t2024年6月30日\n"
    )
    assert write(tmp_path, "fujian.txt", text).meta.date == "2024-03-05"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-03-05_chungeng-tongzhi.txt", "2024-03-05"),
        ("20240305春耕通知.txt", "2024-03-05"),
        ("春耕通知_2024.3.5.txt", "2024-03-05"),
        ("2024年3月5日春耕通知.txt", "2024-03-05"),
        ("chungeng-tongzhi.txt", ""),  # only deadlines in the body: no date rather than a wrong one
    ],
    ids=["dashed", "compact", "dotted", "chinese", "none"],
)
def test_without_signature_the_file_name_gives_the_date(tmp_path: Path, name: str, expected: str) -> None:
    assert write(tmp_path, name, NOTICE.format(signature="")).meta.date == expected


def test_priority_header_then_signature_then_file_name_then_title(tmp_path: Path) -> None:
    signed = NOTICE.format(signature="某某县人民政府\n2024年3月5日\n")
    assert write(tmp_path, "2024-01-01_a.txt", signed).meta.date == "2024-03-05"
    header = "title: 春耕通知\ndate: 2024-03-08\n---\n"
    assert write(tmp_path, "2024-01-01_b.txt", header + signed).meta.date == "2024-03-08"
    titled = "关于2024年2月1日全县春耕工作会议精神的通知\n各乡镇：\n    请于2024年6月30日前完成。\n"
    assert write(tmp_path, "2024-04-01_c.txt", titled).meta.date == "2024-04-01"
    assert write(tmp_path, "huiyi-jingshen.txt", titled).meta.date == "2024-02-01"


def test_revised_law_carries_its_latest_amendment_date(tmp_path: Path) -> None:
    text = (
        "中华人民共和国示例法\n\n"
        "（2018年10月26日第十三届全国人民代表大会常务委员会第六次会议通过　根据2021年4月29日第十三届"
        "全国人民代表大会常务委员会第二十八次会议《关于修改〈中华人民共和国示例法〉的决定》修正）\n\n"
        "第一章　总则\n\n第一条　为了规范示例工作，制定本法。\n\n第二条　本法自2019年1月1日起施行。\n"
    )
    doc = write(tmp_path, "shili-fa.txt", text)
    extra = dict(doc.meta.extra)
    assert doc.meta.date == "2021-04-29"
    assert (extra["promulgated"], extra["revised"], extra["effective"]) == (
        "2018-10-26",
        "2021-04-29",
        "2019-01-01",
    )
    assert doc.meta.issuer == "全国人民代表大会常务委员会"


def test_revision_lines_without_parentheses(tmp_path: Path) -> None:
    text = (
        "中华人民共和国土地管理法\n"
        "1986年6月25日第六届全国人民代表大会常务委员会第十六次会议通过\n"
        "根据1988年12月29日第七届全国人民代表大会常务委员会第五次会议"
        "《关于修改〈中华人民共和国土地管理法〉的决定》第一次修正\n"
        "1998年8月29日第九届全国人民代表大会常务委员会第四次会议修订\n"
        "根据2004年8月28日第十届全国人民代表大会常务委员会第十一次会议"
        "《关于修改〈中华人民共和国土地管理法〉的决定》第二次修正\n"
        "根据2019年8月26日第十三届全国人民代表大会常务委员会第十二次会议"
        "《关于修改〈中华人民共和国土地管理法〉、〈中华人民共和国城市房地产管理法〉的决定》第三次修正\n\n"
        "第一章 总则\n\n第一条 为了加强土地管理，制定本法。\n"
    )
    doc = write(tmp_path, "tudi-guanli-fa.txt", text)
    assert doc.meta.date == "2019-08-26"
    assert dict(doc.meta.extra)["revised"] == "2019-08-26"
    assert dict(doc.meta.extra)["promulgated"] == "1986-06-25"


def test_header_date_stays_and_the_revision_is_shown_with_it(tmp_path: Path) -> None:
    text = (
        "title: 示例办法（2019年3月2日修订版本）\ndate: 2014-02-21\n---\n"
        "示例办法\n\n2014年2月21日 中华人民共和国国务院令第649号公布\n\n第一章 总则\n\n"
        "第一条 为了示例，请于2020年1月1日前完成。\n"
    )
    doc = write(tmp_path, "shili-banfa.txt", text)
    assert doc.meta.date == "2014-02-21"
    assert dict(doc.meta.extra)["revised"] == "2019-03-02"


def test_web_page_byline_gives_date_and_issuer(tmp_path: Path) -> None:
    text = (
        "某某县开展春耕生产督导\n"
        "发布时间：2024-03-05 10:20  来源：某某县人民政府网  浏览次数：120\n\n"
        "    县农业农村局要求各乡镇于2024年6月30日前完成春耕备耕。\n\n"
        "责任编辑：张三\n版权所有 某某县人民政府 ICP备12345678号\n"
    )
    doc = write(tmp_path, "dudao.txt", text)
    assert (doc.meta.date, doc.meta.issuer) == ("2024-03-05", "某某县人民政府网")
    text = text.replace("发布时间：2024-03-05 10:20", "发布机构：某某县农业农村局 日期：2024年3月5日")
    doc = write(tmp_path, "dudao2.txt", text)
    assert (doc.meta.date, doc.meta.issuer) == ("2024-03-05", "某某县农业农村局")


def test_signature_finder_ignores_body_dates() -> None:
    assert signature(["关于某事的通知", "各村：", "请于2024年6月30日前报送。"]) is None
    assert signature(["请于2024年6月30日前报送。", "2024年6月30日前"]) is None
    found = signature(["请报送。", "中共某某县委", "某某县人民政府", "2024年3月5日"])
    assert found is not None and (found.issuer, found.date) == ("中共某某县委 某某县人民政府", "2024-03-05")
    # A closing line or a list item right above the date is not an issuer.
    for above in ("特此通知", "二、县农业农村局负责督导", "（二）各村做好登记"):
        found = signature(["请报送。", above, "2024年3月5日"])
        assert found is not None and (found.issuer, found.date) == ("", "2024-03-05"), above


def test_file_name_date_rejects_impossible_dates() -> None:
    assert file_name_date("20241305通知") == ""
    assert file_name_date("2024-02-30_通知") == ""
    assert file_name_date("通知123420240305") == ""  # part of a longer number


def test_shared_corpus_web_article_and_revised_regulation() -> None:
    """The real files of ../shared/corpus, read at run time (never copied into the repository)."""
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS}"
    docs, failures = load_paths([CORPUS])
    assert failures == []
    by_name = {doc.source: doc for doc in docs}
    web = by_name["shanxi-juji-wuda-nengli.txt"].meta
    # The byline names the publishing outlet (来源); its 时间 field is empty and the page states no
    # other date of its own, so the date stays unknown rather than guessed; the site footer
    # (中国农村杂志社唯一官网 版权所有…) is boilerplate, not a 落款.
    assert (web.title, web.issuer, web.date) == (
        "聚焦五大能力 有效衔接乡村振兴",
        "农村工作通讯-中国农村网",
        "",
    )
    assert web.author == "山西省委农办主任、省农业农村厅厅长 刘志杰"  # the page's □ spacer dropped
    law = by_name["2014-02-21_shehui-jiuzhu-zanxing-banfa.txt"].meta
    extra = dict(law.extra)
    # The header's date is the first promulgation; the title names the 2019 revision the text is.
    assert law.date == "2014-02-21"
    assert (extra["promulgated"], extra["revised"], extra["effective"]) == (
        "2014-02-21",
        "2019-03-02",
        "2014-05-01",
    )
    assert all("revised" not in dict(doc.meta.extra) for name, doc in by_name.items() if "shehui" not in name)
