"""Sentences to quiz on (出题语料): every indexed sentence with its exact span, section and document.

Only text inside indexed chunks is used, so metadata headers and web boilerplate never become items.
The documents come from a :class:`QuizSource`, which :class:`assistant.Assistant` is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant import DocRecord
from corpus.normalize import normalize_text
from corpus.sentences import split_line
from corpus.structure import analyse, breadcrumb
from corpus.types import Chunk
from quiz.facts import WordSplitter

_MARKER = re.compile(  # used with .match(text, pos): no ^, which would only match at 0
    r"(?:第[零〇一二三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?[ \u3000]*"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）][ \u3000]*|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．](?!\d)[ \u3000]*)"
)
_ARTICLE = re.compile(r"第[零〇一二三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?")
_ENDS = "。；！？"
MIN_CHARS = 14
MAX_CHARS = 260


class QuizSource(Protocol):
    """What the quiz reads from a knowledge base (出题来源): :class:`assistant.Assistant` provides it."""

    @property
    def tokenizer(self) -> WordSplitter: ...

    def documents(self) -> list[DocRecord]: ...

    def document_text(self, doc_id: str) -> str | None: ...

    def document_chunks(self, doc_id: str) -> list[Chunk]: ...


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document: ``text == document text[start:end]`` (原文句子)."""

    doc_id: str
    source: str
    title: str
    section: str  # breadcrumb, e.g. 第一章 总则 > 第二条
    start: int
    end: int
    text: str
    ordinal: int  # position in its document

    @property
    def article(self) -> str:
        """The 第X条 the sentence belongs to, or "" for documents without articles."""
        found = _ARTICLE.findall(self.section)
        return found[-1] if found else ""

    @property
    def short_title(self) -> str:
        return short_title(self.title)


def short_title(title: str) -> str:
    """The title without a trailing parenthetical note: 社会救助暂行办法（2019年修订） → 社会救助暂行办法."""
    t = re.sub(r"[（(][^（()）]*[)）]?$", "", title.strip()).strip()
    return t or title.strip()


def select_documents(source: QuizSource, keys: Sequence[str] = ()) -> list[DocRecord]:
    """Documents named by id, file name or a title fragment; all of them when ``keys`` is empty."""
    docs = source.documents()
    if not keys:
        return docs
    return [d for d in docs if any(k in (d.doc_id, d.source) or (k and k in d.title) for k in keys)]


def document_sentences(source: QuizSource, doc: DocRecord, sections: Sequence[str] = ()) -> list[Sentence]:
    """The quizzable sentences of one document, in order (heading markers such as 第三条 left out)."""
    text = source.document_text(doc.doc_id) or ""
    spans = sorted((c.start, c.end) for c in source.document_chunks(doc.doc_id))
    starts = [s for s, _ in spans]
    out: list[Sentence] = []
    for line in analyse(text):
        i = bisect.bisect_right(starts, line.start) - 1
        if i < 0 or line.start >= spans[i][1]:
            continue  # not indexed: a metadata header or boilerplate
        section = breadcrumb(line.path)
        if sections and not any(k in section for k in sections):
            continue
        for s, e in split_line(text, line.start, line.end):
            m = _MARKER.match(text, s)
            if m and m.end() < e:
                s = m.end()
            body = text[s:e]
            if not (MIN_CHARS <= len(body) <= MAX_CHARS) or body[-1] not in _ENDS:
                continue
            out.append(Sentence(doc.doc_id, doc.source, doc.title, section, s, e, body, len(out)))
    return out


def corpus_sentences(
    source: QuizSource, docs: Iterable[DocRecord], sections: Sequence[str] = ()
) -> list[Sentence]:
    return [s for d in docs for s in document_sentences(source, d, sections)]


class DocumentTexts:
    """The normalized text of every document, to ask whether a statement is made anywhere (真伪核对)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = [normalize_text(t) for t in texts]

    @classmethod
    def from_source(cls, source: QuizSource) -> DocumentTexts:
        return cls(source.document_text(d.doc_id) or "" for d in source.documents())

    def states(self, text: str) -> bool:
        """True when some document contains ``text`` (after width/space normalization)."""
        needle = normalize_text(text).strip()
        return bool(needle) and any(needle in t for t in self._texts)
