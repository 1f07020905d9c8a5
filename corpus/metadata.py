"""Document metadata (文件元数据): an explicit ``key: value`` header, or facts derived from the text.

Two sources, one result: ``parse_header`` reads what the corpus maintainer wrote down;
``derive_meta`` guesses from the body (标题, 发文字号, 日期, 来源, 作者); ``merge_meta`` lets the
explicit header win and fills its gaps from the guesses.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.dating import (
    ASCII_DIGITS,
    content_lines,
    dated_events,
    file_name_date,
    labelled_date,
    line_spans,
    normalize_date,
    signature,
)
from corpus.types import DocMeta

__all__ = [
    "derive_meta",
    "find_doc_number",
    "law_info_end",
    "law_meta",
    "law_title",
    "merge_meta",
    "normalize_date",
    "parse_header",
]

# Header keys (元数据字段) → DocMeta field; ASCII keys are matched case-insensitively.
_KEY_FIELDS: dict[str, str] = {
    "title": "title",
    "标题": "title",
    "题目": "title",
    "issuer": "issuer",
    "发文机关": "issuer",
    "发布机关": "issuer",
    "发文单位": "issuer",
    "date": "date",
    "日期": "date",
    "发布日期": "date",
    "成文日期": "date",
    "发文日期": "date",
    "source": "source_url",
    "source_url": "source_url",
    "url": "source_url",
    "来源": "source_url",
    "doc_number": "doc_number",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "author": "author",
    "作者": "author",
}
_HEADER_LINE = re.compile(r"^\s*([A-Za-z][\w-]{0,30}|[\u4e00-\u9fff]{1,8})\s*[:：]\s*(.*\S|)\s*$")
_HEADER_END = re.compile(r"^\s*-{3,}\s*$")
_MAX_HEADER_LINES = 40

# Derived facts sit at the top of a document; searching only the head keeps a date or 文号 quoted
# deep in the body from being taken as the document's own.
_HEAD_CHARS = 2000
_MAX_TITLE_CHARS = 80

_CJK = r"[\u4e00-\u9fff]"
# 发文字号: 机关代字〔年份〕序号号, with the bracket variants found in the wild (〔〕 [] ［］ 【】 （）).
_DOC_NUMBER = re.compile(
    rf"(?<!{_CJK})({_CJK}{{1,6}})\s*[〔\[［【(（]\s*((?:19|20)\d{{2}})\s*[〕\]］】)）]\s*(第?)\s*(\d{{1,5}})\s*号"
)
# Single characters that start a sentence clause and never a 机关代字.
_LEADING_WORDS = frozenset("见据按依和及与以将为在对由从向即或的了")
# 令 numbers, e.g. 中华人民共和国国务院令第649号.
_ORDER_NUMBER = re.compile(rf"(?<!{_CJK})({_CJK}{{1,16}}令)\s*第\s*(\d{{1,5}})\s*号")
# A field ends where the next "字段:" of the same byline starts (时间: 来源:X 作者:Y 字号:【).
_NEXT_FIELD = r"(?=\s+(?:\S{1,6})[:：]|\s*$)"
_SOURCE_LINE = re.compile(rf"(?:^|(?<=[\s|]))来源\s*[:：]\s*(\S(?:.*?\S)?){_NEXT_FIELD}", re.M)
_AUTHOR_LINE = re.compile(rf"(?:^|(?<=[\s|]))作者\s*[:：]\s*(\S(?:.*?\S)?){_NEXT_FIELD}", re.M)
# Scraped bylines carry placeholders for a glyph or spacer the page drew (厅长□ 刘志杰): □ and the
# Unicode replacement character stand for a space there, never for text of the value.
_BYLINE_FILLER = re.compile(r"[\s\u25a1\ufffd]+")
# Lines that are a byline or a sentence cannot be a title.
_BYLINE = re.compile(r"(?:时间|来源|作者|发布|字号)\s*[:：]")
_SENTENCE_END = re.compile(r"[。；;！？]$")
_ISSUER_FIELD = re.compile(
    rf"(?:^|(?<=[\s|]))(?:发布机构|发布机关|发文机关|发文单位|发布单位)\s*[:：]\s*(\S(?:.*?\S)?){_NEXT_FIELD}",
    re.M,
)
# The 文头 (title block) ends at the first sentence, salutation (各乡镇人民政府：) or heading.
_OPENING_END = re.compile(r"[。；;！？：:]$")
_CN_ORD = "一二三四五六七八九十百零〇"
_BODY_HEADING = re.compile(
    rf"^(?:第[{_CN_ORD}\d]+[编章节条]|[{_CN_ORD}]+、|[（(][{_CN_ORD}]+[)）]|\d{{1,2}}[.、．](?!\d)|目\s*录$)"
)
_CLOSE = re.compile(r"[)）]")
_MAX_OPENING_LINES = 12
_MAX_NOTE_CHARS = 600


def parse_header(text: str) -> tuple[DocMeta, int]:
    """Read a leading ``key: value`` block ended by a ``---`` line (元数据头).

    Returns the metadata and the offset where the body begins; ``(DocMeta(), 0)`` when the text has
    no such header. A YAML-style opening ``---`` line is accepted too. Unknown keys go to ``extra``.
    """
    lines = [line + "\n" for line in text.split("\n")]  # "\n" only, as everywhere in the corpus layer
    pos = 0
    index = 0
    if lines and _HEADER_END.match(lines[0]):
        pos, index = len(lines[0]), 1
    values: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    for line in lines[index : index + _MAX_HEADER_LINES + 1]:
        if _HEADER_END.match(line):
            if not values and not extra:
                return DocMeta(), 0
            return _build_meta(values, extra), min(pos + len(line), len(text))
        match = _HEADER_LINE.match(line)
        if match is None:
            return DocMeta(), 0
        key, value = match.group(1), _unquote(match.group(2))
        field = _KEY_FIELDS.get(key.lower())
        if field is None or field in values:
            extra.append((key, value))
        else:
            # Keep an unparseable date as written rather than dropping what the maintainer said.
            values[field] = (normalize_date(value) or value) if field == "date" else value
        pos += len(line)
    return DocMeta(), 0


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _build_meta(values: dict[str, str], extra: list[tuple[str, str]]) -> DocMeta:
    return DocMeta(**values, extra=tuple(extra))


def find_doc_number(text: str) -> str:
    """First 发文字号 in ``text`` (e.g. 中发〔2021〕1号, 国务院令第649号), or ""."""
    hits: list[tuple[int, str]] = []
    match = _DOC_NUMBER.search(text)
    if match:
        prefix, year, di, number = match.groups()
        if len(prefix) >= 3 and prefix[0] in _LEADING_WORDS:
            prefix = prefix[1:]  # "见国发〔2014〕12号": 见 belongs to the sentence, not the 机关代字
        hits.append((match.start(), f"{prefix}〔{year}〕{di}{number}号"))
    order = _ORDER_NUMBER.search(text)
    if order:
        hits.append((order.start(), f"{order.group(1)}第{order.group(2)}号"))
    return min(hits)[1] if hits else ""


def _derive_title(body: str, fallback: str) -> str:
    for start, end in line_spans(body):
        if end - start > 2 * _MAX_NOTE_CHARS:
            return fallback  # a paragraph, however much markup it holds (and never copied or scanned)
        line = _MD_HEADING.sub("", _HTML_COMMENT.sub("", body[start:end])).strip()  # "# 标题" is titled 标题
        if not line:
            continue
        if _BYLINE.search(line) or _DOC_NUMBER.fullmatch(line) or _ORDER_NUMBER.fullmatch(line):
            continue  # a byline or a bare 文号 line above the title is not the title
        if len(line) <= _MAX_TITLE_CHARS and not _SENTENCE_END.search(line):
            return line
        return fallback
    return fallback


@dataclass(frozen=True, slots=True)
class _Opening:
    """The lines above the text proper (文头): title, 文号, byline and the dated 题注 under the title."""

    title: str  # the first title line
    notes: tuple[str, ...]  # dated lines under it: （2025年1月1日）, 2021年4月29日 …通过, 根据…修正
    end: int  # offset in the body where the text proper starts


def _opening(body: str) -> _Opening:
    """Read the 文头 line by line until the first line of the text proper.

    That is a sentence or a salutation (ends with 。；： …), a heading (第一章, 一、, （一）) or a long
    line; a parenthesized 题注 may span lines. Dates after this point are the body's, not the document's.
    """
    count = 0
    title, pending = "", ""
    notes: list[str] = []
    for start, end in line_spans(body):
        if end - start > 2 * _MAX_NOTE_CHARS:  # a paragraph, not a 文头 line (and never copied or scanned)
            return _Opening(title, (*notes, pending) if pending else tuple(notes), start)
        line = _MD_HEADING.sub("", _HTML_COMMENT.sub("", body[start:end])).strip()
        if not line:
            continue
        if pending:  # inside a 题注 opened on an earlier line
            pending += line
            if _CLOSE.search(line) or len(pending) > _MAX_NOTE_CHARS:
                notes.append(pending)
                pending = ""
            continue
        count += 1
        if count > _MAX_OPENING_LINES:
            return _Opening(title, tuple(notes), start)
        if _BYLINE.search(line) or _DOC_NUMBER.fullmatch(line) or _ORDER_NUMBER.fullmatch(line):
            continue
        if title and line[0] in "（(" and len(line) <= _MAX_NOTE_CHARS:
            if _CLOSE.search(line):
                notes.append(line)
            else:
                pending = line
            continue
        if _BODY_HEADING.match(line) or _OPENING_END.search(line) or len(line) > _MAX_NOTE_CHARS:
            return _Opening(title, tuple(notes), start)
        dated = bool(dated_events(line))
        if title and dated and (len(line) <= _MAX_TITLE_CHARS or _ENACTED.search(line)):
            notes.append(line)  # 2014年2月21日 中华人民共和国国务院令第649号公布
            continue
        if len(line) > _MAX_TITLE_CHARS:
            return _Opening(title, tuple(notes), start)
        title = title or line  # later short lines are a continued title or a subtitle
    return _Opening(title, tuple(notes), len(body))


def _revision_titles(*titles: str) -> list[str]:
    """Titles that name a revision (社会救助暂行办法（2019年3月2日修订版本）) count as 题注 too."""
    return [t for t in titles if any(_REVISED.search(what) for _, what in dated_events(t))]


def derive_meta(
    text: str,
    body_start: int,
    fallback_title: str,
    *,
    file_name: str = "",
    skip: Sequence[tuple[int, int]] = (),
    header_title: str = "",
) -> DocMeta:
    """Guess metadata from the text (推断元数据): title, 发文字号, date, issuer, 来源 and 作者.

    The date is, in this order: a byline field (发布时间：…); the 题注 under the title, whose latest
    通过/修订/修正 event is the version the text is (its first event is kept as ``promulgated``, the
    latest amendment as ``revised``); a bare date line under the title; the 落款 date; a date in
    ``file_name``; a date in the title line. A date in the body (a deadline) is never taken. The
    issuer: the enacting body of the 题注, a 发布机构 field, the 落款, then the 来源 field.
    """
    body = text[body_start:]
    head = body[:_HEAD_CHARS]
    opening = _opening(body)
    events = [n for n in opening.notes if _ENACTED.search(n) or _IN_FORCE.search(n)]
    revisions = _revision_titles(header_title, opening.title)
    law = law_meta("", [*events, *revisions], body=body) if events or revisions else DocMeta()
    bare = [d for n in opening.notes if n not in events and (d := normalize_date(n))]
    sig = signature(content_lines(body, body_start, skip))
    title_date = normalize_date(opening.title) if opening.title not in revisions else ""
    date = labelled_date(head) or law.date or (bare[0] if bare else "") or (sig.date if sig else "")
    date = date or file_name_date(file_name) or title_date
    issuer_field = _ISSUER_FIELD.search(head)
    source = _SOURCE_LINE.search(head)
    author = _AUTHOR_LINE.search(head)
    issuers = [
        law.issuer,
        issuer_field.group(1).strip() if issuer_field else "",
        sig.issuer if sig else "",
        _byline_value(source.group(1)) if source else "",
    ]
    return DocMeta(
        title=_derive_title(body, fallback_title),
        issuer=next((i for i in issuers if i), ""),
        date=date,
        doc_number=find_doc_number(body[: opening.end]) or find_doc_number(head),
        source_url=_byline_value(source.group(1)) if source else "",
        author=_byline_value(author.group(1)) if author else "",
        extra=law.extra,
    )


def _byline_value(value: str) -> str:
    """A byline field's value (来源/作者) with scraping fillers and runs of spaces made one space."""
    return _BYLINE_FILLER.sub(" ", value).strip()


def merge_meta(header: DocMeta, derived: DocMeta) -> DocMeta:
    """Header values win; empty header fields are filled from ``derived`` (合并元数据)."""
    filled = {
        f.name: getattr(header, f.name) or getattr(derived, f.name)
        for f in dataclasses.fields(DocMeta)
        if f.name != "extra"
    }
    # By key: a header's (or the law block's) promulgated date is not joined by a guessed second one.
    keys = {key for key, _ in header.extra}
    extra = header.extra + tuple(item for item in derived.extra if item[0] not in keys)
    return DocMeta(**filled, extra=extra)


# --- the law collection's markdown (法律汇编 markdown) ---------------------------------------------
# "# 标题" (a second "# " line is a part, e.g. 人格权编), dated events (通过, 修订, 修正, 公布, 施行) one
# or more a line, then a "<!-- INFO END -->" line; the body follows. The events are metadata.
LAW_INFO_END = "<!-- INFO END -->"
_INFO_END_LINE = re.compile(r"^[ \t]*<!--\s*INFO END\s*-->[ \t]*(?:\n|$)", re.M)
# The block is a few lines; a marker deep in a long text is not this format's.
_MAX_INFO_CHARS = 8000
_MD_HEADING = re.compile(r"^\s*#{1,6}[ \t\u3000]+")
_HTML_COMMENT = re.compile(r"<!--(?:(?!<!--|-->).)*-->")  # stops at the next <!--: linear on "<!--" * n
_IN_FORCE = re.compile(r"施行|实施")
_REVISED = re.compile(r"修订|修正")
_ENACTED = re.compile(r"通过|修订|修正|公布|批准|发布|印发|颁布")
_CN_ORDINAL = r"[\d一二三四五六七八九十百零〇]+"
_ISSUER = re.compile(rf"^\s*(?:根据\s*)?(\S+?)(?:第{_CN_ORDINAL}次(?:全体)?会议|会议)")
# "本法自2021年5月1日起施行" in the body's last article (施行日期).
_IN_FORCE_ARTICLE = re.compile(
    r"本(?:法|条例|规定|办法|解释|决定|细则|规则|准则|意见|通知)(?:自|于)\s*"
    r"([\d０-９]{4}\s*年\s*[\d０-９]{1,2}\s*月\s*[\d０-９]{1,2}\s*日)\s*起(?:施行|实施)"
)


def law_info_end(text: str, start: int = 0) -> int:
    """Offset just after the ``<!-- INFO END -->`` line of a law-collection file, or 0 (法律汇编格式)."""
    match = _INFO_END_LINE.search(text, start, min(len(text), start + _MAX_INFO_CHARS))
    if match is None or law_title(text[start : match.start()]) == "":
        return 0
    return match.end()


def law_title(head: str) -> str:
    """The ``# `` lines of the info block joined (中华人民共和国民法典 人格权编), without the ``# ``."""
    titles = [
        _MD_HEADING.sub("", _HTML_COMMENT.sub("", line)).strip()
        for line in head.split("\n")
        if _MD_HEADING.match(line)
    ]
    return " ".join(t for t in titles if t)


def _issuer(event: str) -> str:
    """The enacting body of the first event: 第十届全国人民代表大会常务委员会第二十四次会议 → 全国人民代表大会常务委员会."""
    match = _ISSUER.match(event)
    if match is None:
        return ""
    issuer = re.sub(rf"第{_CN_ORDINAL}届", "", match.group(1))
    return issuer if 2 <= len(issuer) <= 30 and re.fullmatch(rf"{_CJK}+", issuer) else ""


def law_meta(head: str, history: Sequence[str] = (), body: str = "") -> DocMeta:
    """Metadata of a law-collection file (法律汇编元数据).

    ``head`` is the info block before ``<!-- INFO END -->``; ``history`` the 题注 paragraphs that open
    some bodies (（2019年5月20日…通过，根据…修正）). The document date is the latest 通过/修订/修正/公布
    event, i.e. the version the text is; the first event is kept as ``extra`` ``promulgated`` (首次通过),
    the latest 修订/修正 as ``revised`` (修订日期, absent for a text never amended), the in-force date as ``effective`` (施行日期, from the events or the body's 本法自…起施行), and the
    event lines as ``history`` (制定和修改沿革), so they stay visible without being indexed as body text.
    """
    lines = [_HTML_COMMENT.sub("", line).strip() for line in head.split("\n")]
    events_text = [line for line in lines if line and not _MD_HEADING.match(line)]
    events_text += [line.strip() for line in history if line.strip()]
    events = dated_events("\n".join(events_text))
    enacted = [iso for iso, what in events if _ENACTED.search(what) or not _IN_FORCE.search(what)]
    in_force = [iso for iso, what in events if _IN_FORCE.search(what) and not _ENACTED.search(what)]
    if not in_force and body:
        stated = _IN_FORCE_ARTICLE.findall(body)
        in_force = [normalize_date(stated[-1].translate(ASCII_DIGITS))] if stated else []
    extra: list[tuple[str, str]] = []
    revised = [iso for iso, what in events if _REVISED.search(what)]
    if enacted:
        extra.append(("promulgated", min(enacted)))
    if revised:
        extra.append(("revised", max(revised)))
    if in_force and in_force[-1]:
        extra.append(("effective", in_force[-1]))
    dated = [line for line in events_text if dated_events(line)]
    if dated:
        extra.append(("history", "\n".join(dated)))
    return DocMeta(
        title=law_title(head),
        issuer=_issuer(events[0][1]) if events else "",
        date=max(enacted) if enacted else "",
        extra=tuple(extra),
    )
