"""Raw web articles (网页原文): issuer, publication date and title from the page itself.

A saved page declares its facts in ``<meta>`` (ArticleTitle, PubDate, ContentSource on government
sites; Open Graph on news sites) and shows them in a byline (发布时间：… 来源：…) or a 落款; a
deadline in the text is never the page's date. Real files are written to ``tmp_path`` and loaded.
"""

from __future__ import annotations

from pathlib import Path

from corpus.loaders import load_file
from corpus.types import SourceDoc

BODY = (
    "<div class='article'><h1>关于做好春耕工作的通知</h1>{byline}"
    "<p>各乡镇人民政府：</p><p>一、各乡镇请于2024年6月30日前报送春耕进度。</p>"
    "<p>二、县农业农村局负责督导。</p>{signature}</div>"
    "<div class='foot'>版权所有 某某县人民政府 主办 ICP备12345678号</div>"
)


def page(
    tmp_path: Path, head: str = "", byline: str = "", signature: str = "", name: str = "a.html"
) -> SourceDoc:
    body = BODY.format(byline=byline, signature=signature)
    html = f"<html><head><meta charset='utf-8'><title>关于做好春耕工作的通知_某某县人民政府网</title>{head}</head>"
    path = tmp_path / name
    path.write_text(f"{html}<body>{body}</body></html>", encoding="utf-8")
    return load_file(path)


def test_government_site_meta_tags(tmp_path: Path) -> None:
    head = (
        '<meta name="ArticleTitle" content="关于做好春耕工作的通知">'
        '<meta name="PubDate" content="2024-03-05 10:20">'
        '<meta name="ContentSource" content="某某县农业农村局">'
    )
    meta = page(tmp_path, head=head).meta
    assert (meta.title, meta.date, meta.issuer) == (
        "关于做好春耕工作的通知",
        "2024-03-05",
        "某某县农业农村局",
    )


def test_open_graph_and_an_unreadable_date_tag(tmp_path: Path) -> None:
    head = (
        '<meta property="og:title" content="春耕督导">'
        '<meta name="pubdate" content="待定">'
        '<meta property="article:published_time" content="2024-03-05T08:00:00+08:00">'
    )
    meta = page(tmp_path, head=head).meta
    assert (meta.title, meta.date) == ("春耕督导", "2024-03-05")


def test_visible_byline_gives_date_and_outlet(tmp_path: Path) -> None:
    byline = "<div class='info'>发布时间：2024-03-05 10:20 来源：某某县人民政府网 浏览次数：35</div>"
    meta = page(tmp_path, byline=byline).meta
    assert (meta.date, meta.issuer) == ("2024-03-05", "某某县人民政府网")


def test_signature_above_the_site_footer(tmp_path: Path) -> None:
    signature = "<p style='text-align:right'>某某县人民政府</p><p style='text-align:right'>2024年3月5日</p>"
    meta = page(tmp_path, signature=signature).meta
    assert (meta.date, meta.issuer) == ("2024-03-05", "某某县人民政府")


def test_page_without_any_stated_date_has_none(tmp_path: Path) -> None:
    assert page(tmp_path).meta.date == ""  # not the 2024年6月30日 deadline
    assert page(tmp_path, name="2024-03-05_chungeng.html").meta.date == "2024-03-05"
