"""Dates of a document (文件日期): parsing, and the places where a document states its own date.

A notice says its date in the 落款 (the issuer line, then the date line, at the end), a law in the
题注 under its title (通过, 修正, 修订 events), a web page in its byline (发布时间：…), and an uploaded
file often in its name (2024-03-05_通知.txt). A date inside the body is about something else (a
deadline such as 2024年6月30日前) and is never the document's. :func:`corpus.metadata.derive_meta`
ranks these sources; this module only finds them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "ASCII_DIGITS",
    "Signature",
    "content_lines",
    "dated_events",
    "file_name_date",
    "first_date",
    "labelled_date",
    "line_spans",
    "normalize_date",
    "signature",
]

DATE_DIGITS = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|[-./](\d{1,2})[-./](\d{1,2})(?!\d))"
)
# 〇 is often typed as ○ (U+25CB), О or a Latin O in 落款 dates: 二○二四年三月五日.
_CN_DIGITS: dict[str, int] = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "О": 0,
}
DATE_CHINESE = re.compile(
    r"([〇○ＯOО零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
# Full-width digits (２００２年６月２９日) are read as ASCII ones; the mapping keeps every offset.
ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# A file name's date: 2024-03-05_…, 2024_3_5…, 2024.03.05…, or eight digits 20240305….
_NAME_SEPARATED = re.compile(r"(?<!\d)((?:19|20)\d{2})([-_.])(\d{1,2})\2(\d{1,2})(?!\d)")
_NAME_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
# A byline's date field: 发布时间：2024-03-05 10:00, 日期：2024年3月5日 (an empty 时间: gives nothing).
_DATE_LABEL = re.compile(
    r"(?:^|(?<=[\s|｜]))(?:发布时间|发布日期|发文日期|成文日期|印发日期|时间|日期)\s*[:：]\s*"
    r"(?=[\d０-９〇○一二])",
    re.M,
)
# 落款 lines: a date alone on its line (spaces allowed inside), or an issuer then the date on one line.
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_ISSUER_LINE = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff（）()·、 \u3000]{1,39}")
# Lines that sit above a 落款 but are not an issuer: closings (特此通知), list items, headings, annexes.
_NOT_ISSUER = re.compile(
    r"^(?:特此|此复|此致|敬礼|附件|抄送|抄报|联系人|联系电话|第[一二三四五六七八九十百\d]+[章节条]"
    r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])"
)
_TRAILING_NOTE = re.compile(r"^[（(][^（()）]{1,40}[)）]$")  # （此件公开发布）, （联系人：张三）
_ANNEX = re.compile(r"^附件\s*\d*\s*[:：]?\s*\S{0,30}$")
_MAX_SIGNATURE_LINES = 3
_MAX_LINE_CHARS = 600  # a longer line is a paragraph: never copied whole when looking for a 落款
_MAX_SIGNATURE_CHARS = 60  # the longest issuer-and-date line; longer lines are text (and never scanned)


def _iso(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _cn_number(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21, 三十 → 30 (only what months and days need)."""
    if "十" not in numeral:
        return _CN_DIGITS[numeral]
    tens, _, ones = numeral.partition("十")
    return (_cn_number(tens) if tens else 1) * 10 + (_cn_number(ones) if ones else 0)


def _dates(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, iso)`` of every valid date in ``text``, Arabic or Chinese numerals, in order."""
    plain = text.translate(ASCII_DIGITS)
    found: list[tuple[int, int, str]] = []
    for match in DATE_DIGITS.finditer(plain):
        month, day = match.group(2) or match.group(4), match.group(3) or match.group(5)
        iso = _iso(int(match.group(1)), int(month), int(day))
        if iso:
            found.append((match.start(), match.end(), iso))
    for match in DATE_CHINESE.finditer(plain):
        year = int("".join(str(_CN_DIGITS[c]) for c in match.group(1)))
        iso = _iso(year, _cn_number(match.group(2)), _cn_number(match.group(3)))
        if iso:
            found.append((match.start(), match.end(), iso))
    return sorted(found)


def first_date(text: str) -> tuple[int, str] | None:
    """``(position, iso)`` of the earliest valid date, Arabic or Chinese numerals."""
    found = _dates(text)
    return (found[0][0], found[0][2]) if found else None


def normalize_date(value: str) -> str:
    """First date in ``value`` as ISO ``yyyy-mm-dd`` (日期规范化), or "" when there is none."""
    found = first_date(value)
    return found[1] if found else ""


def dated_events(text: str) -> list[tuple[str, str]]:
    """``(iso date, what happened)`` for each date in ``text``: the words up to the next date."""
    plain = text.translate(ASCII_DIGITS)
    found = _dates(plain)
    ends = [start for start, _, _ in found[1:]] + [len(plain)] if found else []
    return [(iso, plain[end:stop]) for (_, end, iso), stop in zip(found, ends, strict=True)]


def file_name_date(name: str) -> str:
    """The date in a file name (文件名日期): 2024-03-05_…, 20240305…, 2024年3月5日…; "" when none."""
    for pattern in (_NAME_SEPARATED, _NAME_COMPACT):
        for match in pattern.finditer(name):
            groups = match.groups()
            year, month, day = groups[0], groups[-2], groups[-1]
            iso = _iso(int(year), int(month), int(day))
            if iso:
                return iso
    return normalize_date(name)


def labelled_date(head: str) -> str:
    """The date of a byline field such as 发布时间：2024-03-05 (发布日期); "" when the field is empty."""
    for match in _DATE_LABEL.finditer(head):
        found = first_date(head[match.end() : match.end() + 40])
        if found and found[0] == 0:
            return found[1]
    return ""


@dataclass(frozen=True, slots=True)
class Signature:
    """The 落款 of a document: the issuing bodies above the date line, and that date."""

    issuer: str
    date: str
    start: int  # index of its first line in the lines given to :func:`signature`


def _only_date(line: str) -> str:
    """The date when ``line`` is a date and nothing else (2024年3月5日, 二〇二四年三月五日)."""
    compact = _SPACES.sub("", line)
    found = _dates(compact)
    if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(compact):
        return found[0][2]
    return ""


def _issuer_line(line: str) -> bool:
    return _ISSUER_LINE.fullmatch(line) is not None and _NOT_ISSUER.match(line) is None


def _signature_at(lines: list[str], end: int) -> Signature | None:
    """A 落款 ending at ``lines[end - 1]``, after at most two trailing notes such as （此件公开发布）."""
    last = end - 1
    while last >= 0 and end - last <= 2 and _TRAILING_NOTE.match(lines[last]):
        last -= 1
    if last < 0 or len(lines[last]) > _MAX_SIGNATURE_CHARS:
        return None
    line = lines[last]
    date = _only_date(line)
    issuers: list[str] = []
    if not date:
        # 国务院办公厅　2021年3月1日: the issuer and the date on one line, split by spaces (a tab
        # separates table cells: 城关镇<tab>2024年6月30日 is a row of an annex table, not a 落款).
        if "\t" in line:
            return None
        parts = _SPACES.split(line)
        head = " ".join(parts[:-1])
        date = _only_date(parts[-1]) if len(parts) > 1 else ""
        if not date or not _issuer_line(head):
            return None
        issuers.append(head)
    start = last
    while start > 0 and len(issuers) < _MAX_SIGNATURE_LINES and _issuer_line(lines[start - 1]):
        start -= 1
        issuers.insert(0, _SPACES.sub(" ", lines[start]))
    return Signature(" ".join(issuers), date, start)


def signature(lines: list[str]) -> Signature | None:
    """The 落款 (issuer lines, then a date line) at the end of ``lines`` (stripped, non-empty body lines).

    An annex (附件1 …) may follow it; then the 落款 ends just before the first 附件 heading line.
    """
    found = _signature_at(lines, len(lines))
    if found is not None:
        return found
    for i, line in enumerate(lines):
        if i > 0 and _ANNEX.match(line):
            found = _signature_at(lines, i)
            if found is not None:
                return found
    return None


def content_lines(body: str, body_start: int, skip: Sequence[tuple[int, int]]) -> list[str]:
    """Stripped non-empty lines of ``body`` (at ``body_start`` in the text) outside ``skip``, for :func:`signature`.

    Web footers are skipped and are not a 落款.
    """
    lines: list[str] = []
    spans = sorted(skip)
    next_span, reach = 0, -1
    for start, end in line_spans(body):
        # One pass over the ranges sorted by start: the furthest end among those begun by this line.
        while next_span < len(spans) and spans[next_span][0] <= body_start + start:
            reach = max(reach, spans[next_span][1])
            next_span += 1
        if body_start + start < reach:
            continue
        # A long line is a paragraph: kept as a stand-in (so lines stay adjacent), never copied.
        line = body[start:end].strip(" \t\u3000\xa0") if end - start <= _MAX_LINE_CHARS else "…。"
        if line:
            lines.append(line)
    return lines


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` ("\\n"-separated), found lazily."""
    pos = 0
    while pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield pos, end
        pos = end + 1
