"""Document structure (文档结构): headings and the breadcrumb section path of every line.

Recognized headings, from coarse to fine: 第X编, 第X章, 第X节, markdown ``#``, 一、, 第X条,
（一）, 1. / 1、, （1）. Which of them a document uses decides the levels: the coarsest kind
present is its top level, and chunks never cross a top-level section. Articles (评论文章) also
head paragraphs with a short lead sentence (e.g. 聚焦目标任务抓统筹推进。) that serves as a heading;
their closing paragraphs after the last point form a section of their own, 结语.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "零〇一二三四五六七八九十百千两"

# (kind, pattern). Order matters for matching; rank is the position in HEADING_RANK.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bian", re.compile(rf"^第[{CN_NUM}\d]+编(?:[ \u3000]+\S.*)?$")),
    ("zhang", re.compile(rf"^第[{CN_NUM}\d]+章(?:[ \u3000]+\S.*)?$")),
    ("jie", re.compile(rf"^第[{CN_NUM}\d]+节(?:[ \u3000]+\S.*)?$")),
    ("md", re.compile(r"^#{1,6}[ \t]+\S")),
    ("cn_item", re.compile(rf"^[{CN_NUM}]+、\S")),
    ("tiao", re.compile(rf"^第[{CN_NUM}\d]+条(?:之[{CN_NUM}]+)?(?=[ \u3000]|$)")),
    ("cn_paren", re.compile(rf"^[（(][{CN_NUM}]+[)）]")),
    ("num_item", re.compile(r"^\d{1,2}[.、．](?!\d)\S")),
    ("num_paren", re.compile(r"^[（(]\d{1,2}[)）]")),
    ("lead", re.compile(r"^$a")),  # placeholder; lead sentences are detected separately
]
HEADING_RANK = {kind: rank for rank, (kind, _) in enumerate(_PATTERNS)}

# A lead sentence: a short clause ending in 。 at the start of an indented article paragraph.
_LEAD = re.compile(r"^[^，。；：！？“”]{4,20}[。！]")
# An article's closing (结语) begins with a paragraph that looks back on the points before it
# (综上…, 总之…, 围绕上述五个方面…); 以上 only at the very start, as 3年以上 is a quantity.
_RECAP = re.compile(
    r"^(?:综上|总之|总而言之|总的来说|总的来看|总体来看|概括起来"
    r"|(?:围绕|通过|按照|结合|根据|落实|做好|抓好)?(?:上述|前述)|以上)"
)
CLOSING_LABEL = "结语"
_MAX_TITLE = 30


@dataclass(frozen=True, slots=True)
class Heading:
    kind: str
    label: str  # text shown in the breadcrumb
    start: int  # offset of the heading line in the document


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the body with the headings in force for it (outermost first)."""

    start: int
    end: int  # excludes the newline
    path: tuple[Heading, ...]
    is_heading: bool

    @property
    def top(self) -> Heading | None:
        return self.path[0] if self.path else None


def _heading_kind(line: str) -> str | None:
    for kind, pattern in _PATTERNS:
        if kind != "lead" and pattern.match(line):
            return kind
    return None


def _label(kind: str, line: str) -> str:
    """The breadcrumb label: the whole short heading, or only the marker and title of an inline one."""
    text = line.strip().lstrip("#").strip()
    if kind == "tiao":
        match = _PATTERNS[HEADING_RANK["tiao"]][1].match(text)
        return match.group(0) if match else text[:8]
    # Inline headings such as （一）全力抓好粮食生产。确保… keep the title up to the first 。; list
    # items inside a law article (（一）坚持…，在…) keep their first clause only.
    for stop in "。：:；，":
        cut = text.split(stop, 1)[0]
        if len(cut) <= _MAX_TITLE:
            return cut
    return text[:_MAX_TITLE] + "…"


def _md_level(line: str) -> int:
    return len(line) - len(line.lstrip("#"))


def analyse(text: str, skip: tuple[tuple[int, int], ...] = ()) -> list[Line]:
    """Split the body into lines (skipped ranges excluded) and give each its section path."""
    lines: list[tuple[int, int, str]] = []
    pos = 0
    # Lines come in offset order, so one pass over the skip ranges sorted by start tells whether a
    # line lies inside one of them (the furthest end among ranges starting at or before the line).
    spans = sorted(skip)
    next_span = 0
    reach = -1
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        while next_span < len(spans) and spans[next_span][0] <= start:
            reach = max(reach, spans[next_span][1])
            next_span += 1
        if end <= reach:
            continue
        stripped = raw.strip(" \t\u3000\xa0")
        if not stripped:
            continue
        lead_ws = len(raw) - len(raw.lstrip(" \t\u3000\xa0"))
        lines.append((start + lead_ws, start + lead_ws + len(stripped), stripped))

    kinds = [_heading_kind(s) for _, _, s in lines]
    # An article (文章) is a document without formal headings: its lead sentences act as headings.
    formal = {k for k in kinds if k is not None}
    if not formal or formal <= {"num_item", "num_paren"}:
        for i, (_, _, s) in enumerate(lines):
            lead = _LEAD.match(s) if kinds[i] is None else None
            # Opening sentences such as 山西是脱贫攻坚的重要战场。 are statements, not headings:
            # lead headings name an action (聚焦…抓…), so a copula or first person rules one out.
            if lead and len(s) > 30 and not re.search(r"是|我们|我国|我省", lead.group(0)):
                kinds[i] = "lead"

    closing = _closing_start([s for _, _, s in lines], kinds)
    present = sorted({k for k in kinds if k}, key=lambda k: HEADING_RANK[k])
    stack: list[tuple[int, Heading]] = []  # (rank, heading)
    result: list[Line] = []
    for i, ((start, end, s), kind) in enumerate(zip(lines, kinds, strict=True)):
        if i == closing:
            # The closing is no point of the list: it gets a section of its own, not the last point's.
            stack = [(-1, Heading("closing", CLOSING_LABEL, start))]
        if kind is not None:
            rank = present.index(kind) * 10 + (_md_level(s) if kind == "md" else 0)
            while stack and stack[-1][0] >= rank:
                stack.pop()
            label = _label(kind, s) if kind != "lead" else _LEAD.match(s).group(0)  # type: ignore[union-attr]
            stack.append((rank, Heading(kind, label, start)))
        result.append(Line(start, end, tuple(h for _, h in stack), kind is not None))
    return result


def _closing_start(texts: list[str], kinds: list[str | None]) -> int | None:
    """Index of the first line of an article's closing (结语), or ``None``.

    A lead heading covers its paragraph and the unheaded ones after it, up to the next heading; after
    the last one, that would file the article's closing under its last point. The closing is told
    by its opening words (:data:`_RECAP`), or by the article's shape: when each of three or more
    points is one paragraph, the paragraphs after the last point are not part of it. Only articles
    (lead headings) and a tail without headings: a numbered document's last item may run on.
    """
    leads = [i for i, kind in enumerate(kinds) if kind == "lead"]
    if not leads or any(kinds[leads[-1] + 1 :]):
        return None
    tail = range(leads[-1] + 1, len(texts))
    one_paragraph_points = len(leads) >= 3 and leads[-1] - leads[0] == len(leads) - 1  # no line between
    if one_paragraph_points and tail:
        return tail[0]
    return next((i for i in tail if _RECAP.match(texts[i])), None)


def breadcrumb(path: tuple[Heading, ...]) -> str:
    return " > ".join(h.label for h in path)
