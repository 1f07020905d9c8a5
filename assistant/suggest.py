"""Suggested follow-up questions (猜你想问) from the cited document's neighbouring sections.

Deterministic and built only from the document's own structure: the articles (第X条) next to the one
the answer cites (the next first, then the previous one …), or, in a document without articles, the
numbered headings (一、… / （一）…) next to the cited place. A question names the document and the
article, with the article's opening phrase when it is short ("《社会救助暂行办法》第四十条（城镇家庭申请
住房救助）规定了什么？"), so asking it finds that article; nothing in it is invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.types import Answer
from corpus.types import Chunk

__all__ = ["SUGGESTIONS", "suggest_questions", "suggestions_in"]

SUGGESTIONS = 3  # 猜你想问: questions offered under an answer
PHRASE_CHARS = (4, 18)  # an opening phrase shown in the question: shortest, longest

_NUM = "零〇一二三四五六七八九十百千两\\d"
_ARTICLE = re.compile(
    rf"^[ \t\u3000]*(第[{_NUM}]+条(?:之[{_NUM}]+)?)(?=[ \t\u3000]|$)[ \t\u3000]*(.*)$", re.M
)
_HEADING = re.compile(
    r"^[ \t\u3000]*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)[ \t\u3000]*([^\n]*)$", re.M
)
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?（(]")


@dataclass(frozen=True, slots=True)
class _Section:
    start: int
    label: str  # 第四十条, or the heading text
    opening: str  # the first clause of its text


def _sections(text: str, chunk_sections: Sequence[tuple[int, str]]) -> tuple[list[_Section], bool]:
    """The document's articles; else its numbered headings; else the sections its chunks name (the
    chunker's paragraph leads, e.g. 聚焦目标任务抓统筹推进); and whether they are articles."""
    articles = [_Section(m.start(), m.group(1), _clause(m.group(2))) for m in _ARTICLE.finditer(text)]
    if articles:
        return articles, True
    found = [(m.start(), _clause(m.group(2))) for m in _HEADING.finditer(text)]
    if not found:
        found = [(start, _clause(path.split(" > ")[-1])) for start, path in sorted(chunk_sections)]
    headings: dict[str, _Section] = {}
    for start, head in found:
        if PHRASE_CHARS[0] // 2 <= len(head) <= PHRASE_CHARS[1] + 6 and head not in headings:
            headings[head] = _Section(start, head, "")
    return sorted(headings.values(), key=lambda s: s.start), False


def _clause(line: str) -> str:
    m = _CLAUSE_END.search(line)
    return (line[: m.start()] if m else line).strip()


def _phrase(opening: str) -> str:
    """The opening clause as a phrase (城镇家庭申请住房救助的 → 城镇家庭申请住房救助), or "" if it does
    not fit in a question."""
    phrase = opening.removesuffix("的").strip()
    return phrase if PHRASE_CHARS[0] <= len(phrase) <= PHRASE_CHARS[1] else ""


def _at(sections: list[_Section], offset: int) -> int:
    """Index of the section holding ``offset`` (-1 before the first)."""
    found = -1
    for i, s in enumerate(sections):
        if s.start > offset:
            break
        found = i
    return found


def suggestions_in(
    title: str,
    text: str,
    cited: list[int],
    limit: int = SUGGESTIONS,
    chunk_sections: Sequence[tuple[int, str]] = (),
) -> list[str]:
    """Up to ``limit`` questions about the sections next to the cited offsets of one document;
    ``chunk_sections`` are ``(start, section path)`` of its chunks, used when the text has no headings."""
    sections, articles = _sections(text, chunk_sections)
    if not sections or limit <= 0:
        return []
    taken = {_at(sections, offset) for offset in cited}
    anchor = _at(sections, cited[0]) if cited else -1
    order = []
    for step in range(1, len(sections) + 1):
        order += [anchor + step, anchor - step]
    questions: list[str] = []
    for i in order:
        if not 0 <= i < len(sections) or i in taken:
            continue
        s = sections[i]
        if articles:
            phrase = _phrase(s.opening)
            questions.append(f"《{title}》{s.label}{f'（{phrase}）' if phrase else ''}规定了什么？")
        else:
            questions.append(f"《{title}》中“{s.label}”讲了什么？")
        if len(dict.fromkeys(questions)) >= limit:
            break
    return list(dict.fromkeys(questions))[:limit]


def suggest_questions(
    answer: Answer,
    document_text: Callable[[str], str | None],
    document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
    limit: int = SUGGESTIONS,
) -> list[str]:
    """猜你想问 for an answer: questions about the sections beside its first cited document's citations
    (none for a refusal, or when the document's text is not available). ``document_chunks``
    (:meth:`Assistant.document_chunks`) is read only for a document without article or numbered headings."""
    if not answer.found or not answer.citations:
        return []
    first = answer.citations[0]
    text = document_text(first.doc_id)
    if not text:
        return []
    cited = [c.start for c in answer.citations if c.doc_id == first.doc_id]
    title = first.title or first.source
    questions = suggestions_in(title, text, cited, limit)
    if questions or document_chunks is None:
        return questions
    chunks = [(c.start, c.section) for c in document_chunks(first.doc_id) if c.section]
    return suggestions_in(title, text, cited, limit, chunks)
