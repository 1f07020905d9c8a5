"""Non-content lines (网页模板/页脚, 法规题注, 目录): web boilerplate, law history notes, tables of contents.

Scraped pages carry bylines, navigation bars and footers (责任编辑, 版权所有, ICP备...) that must
never be indexed or cited. We only *locate* them as whole-line character ranges; the text itself is
left untouched so every offset still points at the words the document says.

Each rule is guarded so that it cannot fire on a real paragraph: a content sentence (with 。) or a
long line is never boilerplate, whatever words it contains (法律 texts do say 技术支持 or 许可证).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["boilerplate_spans", "law_preamble_spans", "merge_spans", "toc_spans"]

_KEYWORD = re.compile(
    r"责任编辑|版权所有|版权声明|ICP备|公网安备|互联网新闻信息服务许可证|【\s*大\s*中\s*小\s*】|字号\s*[:：]\s*【"
    r"|打印本页|关闭窗口|分享到|^\s*(?:上一篇|下一篇)|技术支持\s*[:：]|网站地图|联系我们|免责(?:声明|条款|申明)"
    r"|(?:电子)?邮箱\s*[:：]|E-?mail\s*[:：]|^\s*(?:当前位置|您的位置|你的位置)\s*[:：]",
    re.IGNORECASE,
)
# Byline fields (时间: 来源: 作者: ...): two on one line, or a line that starts with 来源/作者.
_BYLINE_FIELD = re.compile(r"(时间|发布时间|发布日期|来源|作者|字号|浏览次数|点击数|编辑)\s*[:：]")
_BYLINE_START = re.compile(r"^\s*(?:来源|作者|字号)\s*[:：]")
_NAV_SPLIT = re.compile(r"[|｜│]")
_SENTENCE_PUNCT = re.compile(r"[。！？；]")

# A line longer than this, or one with a full stop, is treated as content by every rule.
_MAX_BOILERPLATE_CHARS = 150
_MAX_NAV_ITEM_CHARS = 16
_MIN_NAV_ITEMS = 3
# "Last part" of a page, where repeated lines are footers: the final third of its lines.
_TAIL_FRACTION = 3
_MIN_REPEATED_CHARS = 4
# A line this long (or with sentence punctuation) is a content paragraph for the footer rule.
_CONTENT_CHARS = 40


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offset of the first character in the whole text
    end: int  # offset after the newline
    text: str  # stripped, for matching only


def _lines(text: str, body_start: int) -> list[_Line]:
    lines: list[_Line] = []
    pos = body_start
    # Split on "\n" only (the decoder normalized line endings); str.splitlines would also break on
    # \x0b, \x1c or U+2028 and misalign with the line structure every later stage sees.
    for raw in text[body_start:].split("\n"):
        raw += "\n"
        end = min(pos + len(raw), len(text))
        lines.append(_Line(pos, end, raw.strip()))
        pos = end
    return lines


def _could_be_boilerplate(line: str) -> bool:
    return bool(line) and len(line) <= _MAX_BOILERPLATE_CHARS and "。" not in line


def _is_navigation(line: str) -> bool:
    """A run of short items separated by ``|`` (导航栏); markdown table rows start with ``|``."""
    if line.startswith(("|", "｜")):
        return False
    items = [item.strip() for item in _NAV_SPLIT.split(line) if item.strip()]
    return len(items) >= _MIN_NAV_ITEMS and all(len(item) <= _MAX_NAV_ITEM_CHARS for item in items)


def _is_byline(line: str) -> bool:
    fields = {match.group(1) for match in _BYLINE_FIELD.finditer(line)}
    return len(fields) >= 2 or bool(_BYLINE_START.match(line))


def _is_marked(line: str) -> bool:
    if not _could_be_boilerplate(line):
        return False
    return bool(_KEYWORD.search(line)) or _is_navigation(line) or _is_byline(line)


def _repeated_in_tail(lines: list[_Line]) -> set[int]:
    """Indexes of tail lines that occur verbatim 2+ times in the tail (重复页脚)."""
    tail_start = len(lines) - len(lines) // _TAIL_FRACTION
    counts = Counter(
        line.text
        for line in lines[tail_start:]
        if _could_be_boilerplate(line.text) and len(line.text) >= _MIN_REPEATED_CHARS
    )
    return {
        index
        for index in range(tail_start, len(lines))
        if counts.get(lines[index].text, 0) >= 2
        and _could_be_boilerplate(lines[index].text)
        and len(lines[index].text) >= _MIN_REPEATED_CHARS
    }


def _is_content(line: str) -> bool:
    return len(line) >= _CONTENT_CHARS or bool(_SENTENCE_PUNCT.search(line))


def boilerplate_spans(text: str, body_start: int) -> list[tuple[int, int]]:
    """Sorted, merged ``[start, end)`` ranges of whole lines of ``text`` that are web boilerplate.

    Only the body (from ``body_start``) is examined. Rules: keyword lines (责任编辑, 版权所有, ICP备,
    公网安备, 字号【大 中 小】, 打印本页, 分享到, 上一篇/下一篇, 联系我们, 邮箱: ...), ``|`` navigation
    runs, the 时间:/来源:/作者: byline, lines repeated in the last third (footers), and the whole
    trailing block from the first such line after the last content paragraph to the end.
    """
    lines = _lines(text, body_start)
    marked = {index for index, line in enumerate(lines) if _is_marked(line.text)}
    marked |= _repeated_in_tail(lines)

    # Everything after the last real paragraph, once a footer line has started, is footer too:
    # scraped footers mix marked lines with blank, NBSP-only and unlabelled company lines.
    content = [i for i, line in enumerate(lines) if i not in marked and _is_content(line.text)]
    if content:
        footer = [i for i in marked if i > content[-1]]
        if footer:
            marked |= set(range(min(footer), len(lines)))

    return merge_spans([(lines[i].start, lines[i].end) for i in sorted(marked)])


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort ranges and merge those that overlap or touch (合并区间)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- law preambles (题注) and tables of contents (目录) -------------------------------------------
_DATE_START = r"(?:[\d０-９]{4}\s*年|[〇零一二三四五六七八九]{4}年)"
_EVENT_END = r"(?:通过|修订|修正|公布|施行|批准|发布|印发|实施|颁布)[^，。；]{0,12}"
# A history note: "（2013年1月21日…通过，根据…修正）", or a bare "2010年7月30日…通过 根据…修正）".
_HISTORY_PAREN = re.compile(rf"^[（(][^。]*{_EVENT_END}[）)]$")
_HISTORY_BARE = re.compile(rf"^(?:根据)?{_DATE_START}[^。]*{_EVENT_END}[）)]?$")
_HISTORY_HINT = re.compile(rf"{_DATE_START}|会议")
_LONE_BRACKET = re.compile(r"^[（()）]$")
_ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
_ONLY_COMMENT = re.compile(r"^(?:<!--(?:(?!-->).)*-->\s*)+$")  # a comment ends at its first -->
_MAX_NOTE_CHARS = 600
_MAX_PREAMBLE_LINES = 8


def _is_history_note(line: str) -> bool:
    if len(line) > _MAX_NOTE_CHARS:
        return False
    if _HISTORY_PAREN.match(line):
        return bool(_HISTORY_HINT.search(line))
    return bool(_HISTORY_BARE.match(line))


def law_preamble_spans(text: str, body_start: int, title: str = "") -> list[tuple[int, int]]:
    """Whole lines at the start of a law's body that are not its content (法规题注).

    The law collection opens some bodies with the history note (（2019年5月20日…通过，根据…修正）,
    sometimes with the bracket alone on a line), the title repeated, zero-width or comment-only lines.
    They are metadata (``corpus.metadata.law_meta`` reads the dates), so they are skipped like a
    header; the scan stops at the first line of real content.
    """
    squeezed_title = re.sub(r"\s+", "", title)
    spans: list[tuple[int, int]] = []
    seen = 0
    for line in _lines(text, body_start):
        content = line.text.strip(_ZERO_WIDTH).strip()
        if not content:
            if line.text:  # a zero-width-only line is noise, not a paragraph
                spans.append((line.start, line.end))
            continue
        seen += 1
        if seen > _MAX_PREAMBLE_LINES:
            break
        squeezed = re.sub(r"\s+", "", content)
        if (
            _is_history_note(content)
            or _LONE_BRACKET.match(content)
            or _ONLY_COMMENT.match(content)
            or (squeezed_title and squeezed == squeezed_title)
        ):
            spans.append((line.start, line.end))
            continue
        break
    return merge_spans(spans)


_TOC_TITLE = re.compile(r"^#{0,6}\s*目\s*录$")
_TOC_ENTRY = re.compile(r"^#{0,6}\s*(?:第[零〇一二三四五六七八九十百千两\d]+[编分章节]|附\s*则|附\s*录)")
# A table of contents sits at the head of a document; its lines are short.
_TOC_SEARCH_LINES = 40
_MAX_TOC_ENTRY_CHARS = 40


def toc_spans(text: str, body_start: int) -> list[tuple[int, int]]:
    """The table of contents (目录) line and its entries, up to where the first entry recurs as a heading.

    Its 第一章… lines would otherwise be read as headings and chunked as a passage duplicating them.
    Without a recurrence of its first entry the run is not taken for a table of contents.
    """
    lines = _lines(text, body_start)
    for index, line in enumerate(lines[:_TOC_SEARCH_LINES]):
        if not _TOC_TITLE.match(line.text):
            continue
        entries = [entry for entry in lines[index + 1 :] if entry.text]
        if not entries or not _TOC_ENTRY.match(entries[0].text):
            return []
        first = re.sub(r"[#\s]+", "", entries[0].text)
        for position, entry in enumerate(entries[1:], start=1):
            if re.sub(r"[#\s]+", "", entry.text) == first:
                return [(line.start, entries[position - 1].end)]
            if not _TOC_ENTRY.match(entry.text) and len(entry.text) > _MAX_TOC_ENTRY_CHARS:
                return []
        return []
    return []
