"""Curated answers served first (精选答案优先): a manager's answer for the same or a near-identical question.

Matching is deliberately conservative: serving a curated answer for a *different* question is worse
than answering it from the documents. Two questions match when, after :func:`normalize`,

* they are equal, or
* their character-bigram Dice similarity is at least :data:`NEAR_IDENTICAL` (0.85), they contain the
  same numbers, and they differ only by insertions or deletions of single characters (a dropped or
  doubled character, a typo) — no replaced characters: "农村低保…" and "城市低保…" share most bigrams
  but name another thing, so they never match.

:func:`normalize` folds full/half width (NFKC) and case, drops punctuation and spaces, a polite opener
(请问, 问一下, 我想知道 …) and the particles :data:`PARTICLES` (的/了/吗/呢 …), which change the wording
but not the question.

A curated answer is served only while its cited span still holds: the current text of the cited
document must have the saved quote at ``[start, end)``. When the document changed or was removed the
entry is *stale* (:meth:`CuratedAnswers.status`): it is not served and the manager's list flags it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from assistant.types import Answer, Citation
from corpus.errors import PolicyAssistantError
from index.curated import CuratedEntry, CuratedStore

if TYPE_CHECKING:
    from pathlib import Path

    from index.catalog import CatalogStore

__all__ = [
    "NEAR_IDENTICAL",
    "CuratedAnswers",
    "CuratedEntry",
    "CuratedError",
    "normalize",
    "similarity",
]

NEAR_IDENTICAL = 0.85  # Dice over character bigrams of the normalized questions (see the module text)
OPENERS = (
    "我想问一下",
    "我想请问",
    "想问一下",
    "请问一下",
    "请教一下",
    "我想知道",
    "问一下",
    "请问",
    "你好",
    "您好",
)
PARTICLES = "的了吗呢啊呀吧嘛"
_DROP = re.compile(r"[\W_]+", re.UNICODE)  # punctuation, spaces, symbols
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零〇一二三四五六七八九十百千万亿两]+")

Status = Literal["ok", "changed", "removed", "disabled"]


class CuratedError(PolicyAssistantError, ValueError):
    """A curated answer that cannot be saved as asked; the message says what to fix."""


def normalize(question: str) -> str:
    """The question as compared: NFKC, lower case, no punctuation or spaces, no opener or particles."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", question).lower())
    changed = True
    while changed:  # "你好，请问…" loses both openers
        changed = False
        for opener in OPENERS:
            if text.startswith(opener) and len(text) > len(opener):
                text, changed = text[len(opener) :], True
    return text.translate({ord(c): None for c in PARTICLES}) or text


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[i : i + 2] for i in range(len(text) - 1)) or Counter([text])


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams (multisets) of two normalized questions, 0…1."""
    return _dice(_bigrams(a), _bigrams(b))


def _dice(x: Counter[str], y: Counter[str]) -> float:
    return 2 * (x & y).total() / (x.total() + y.total())


def near_identical(a: str, b: str) -> bool:
    """Whether two normalized questions ask the same thing (the rule in the module text)."""
    if a == b:
        return True
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < NEAR_IDENTICAL:  # lengths alone rule it out
        return False
    if similarity(a, b) < NEAR_IDENTICAL or _NUMBER.findall(a) != _NUMBER.findall(b):
        return False
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return all(
        tag == "equal" or (tag != "replace" and max(i2 - i1, j2 - j1) <= 1) for tag, i1, i2, j1, j2 in ops
    )


@dataclass(frozen=True, slots=True)
class Match:
    entry: CuratedEntry
    similarity: float


class CuratedAnswers:
    """The curated answers of a knowledge base: saved, checked against the documents, served first."""

    def __init__(
        self, catalog: CatalogStore, index_dir: Path, *, disabled: Callable[[], Collection[str]] = frozenset
    ) -> None:
        self.catalog = catalog
        self.disabled = disabled  # ids of documents switched off (已停用): their answers are not served
        self.store = CuratedStore(index_dir)
        self._normalized: tuple[object, list[tuple[CuratedEntry, str, Counter[str]]]] = (None, [])

    # -- the manager's list ---------------------------------------------------------------------------
    def entries(self) -> list[CuratedEntry]:
        return self.store.entries()

    def status(self, entry: CuratedEntry) -> Status:
        """``ok`` while the document still has the quote at [start, end); else ``changed``, ``removed``
        or ``disabled`` (the document is switched off)."""
        text = self.catalog.document_text(entry.doc_id)
        if text is None:
            return "removed"
        if entry.doc_id in self.disabled():
            return "disabled"
        return "ok" if text[entry.start : entry.end] == entry.quote else "changed"

    def span(
        self, document: str, start: int | None = None, end: int | None = None, quote: str = ""
    ) -> Citation:
        """The cited span in ``document`` (id, file name or title): ``start``/``end`` (a citation of the
        answer; with its ``quote``, which the text there must still be), or only a ``quote`` that must
        appear verbatim in the document (its first occurrence). Refuses what the document does not hold."""
        rec = self.catalog.find_document(document.strip()) if document.strip() else None
        if rec is None:
            raise CuratedError(f"找不到文件 {document!r}：请从已入库文件中选择（文件名、标题或编号）")
        name = rec.title or rec.source
        text = self.catalog.document_text(rec.doc_id) or ""
        quote = quote.strip()
        if quote and start is None and end is None:
            at = text.find(quote)
            if at < 0:
                raise CuratedError(f"引文在《{name}》中找不到（须与原文逐字相同）：{quote[:40]}")
            start, end = at, at + len(quote)
        elif quote and start is not None and end is not None and text[start:end] != quote:
            raise CuratedError(f"《{name}》[{start}, {end}) 处已不是所引的原文（文件已改动）：{quote[:40]}")
        if start is None or end is None or not 0 <= start < end <= len(text):
            raise CuratedError(
                f"引用位置无效：[{start}, {end})，《{rec.title or rec.source}》共 {len(text)} 字；请给出引文或有效的起止位置"
            )
        section = ""
        for chunk in (s.chunk for s in self.catalog.iter_chunks(self.catalog.chunk_ids(rec.doc_id))):
            if chunk.start <= start < chunk.end:
                section = chunk.section
                break
        return Citation(1, rec.doc_id, rec.source, rec.title, section, start, end, text[start:end])

    def add(
        self, question: str, answer: str, cite: Citation, *, author: str = "", feedback_id: int | None = None
    ) -> CuratedEntry:
        entry = CuratedEntry(
            question, answer, cite.doc_id, cite.source, cite.title, cite.section, cite.start, cite.end,
            cite.quote, author, feedback_id=feedback_id,
        )  # fmt: skip
        return self.store.add(entry)

    def update(self, entry_id: int, question: str, answer: str, cite: Citation) -> CuratedEntry:
        old = self.store.get(entry_id)
        if old is None:
            raise CuratedError(f"精选答案 {entry_id} 不存在（可能已被删除）")
        return self.store.update(
            replace(old, question=question, answer=answer, doc_id=cite.doc_id, source=cite.source,
                    title=cite.title, section=cite.section, start=cite.start, end=cite.end, quote=cite.quote)
        )  # fmt: skip

    def delete(self, entry_id: int) -> CuratedEntry | None:
        return self.store.delete(entry_id)

    # -- serving ----------------------------------------------------------------------------------------
    def match(self, question: str) -> Match | None:
        """The best curated entry for ``question`` that still holds, or None."""
        entries = self._entries()
        if not entries:
            return None
        asked = normalize(question)
        grams = _bigrams(asked)
        best: Match | None = None
        for entry, saved, saved_grams in entries:
            # the cheap test first (bigrams counted once per entry), the full rule for the few left
            if saved != asked and _dice(grams, saved_grams) < NEAR_IDENTICAL:
                continue
            if not near_identical(asked, saved):
                continue
            score = similarity(asked, saved)
            if (best is None or score > best.similarity) and self.status(entry) == "ok":
                best = Match(entry, score)
        return best

    def _entries(self) -> list[tuple[CuratedEntry, str, Counter[str]]]:
        """The entries with their normalized questions, read again only when the store changed."""
        version = self.store.version()
        if version is None:
            return []
        if self._normalized[0] != version:
            normalized = [(e, normalize(e.question)) for e in self.store.entries()]
            self._normalized = (version, [(e, q, _bigrams(q)) for e, q in normalized])
        return self._normalized[1]

    def answer(self, question: str) -> Answer | None:
        """The curated answer for ``question`` (marked ``debug['curated']``), or None to answer as usual."""
        found = self.match(question)
        if found is None:
            return None
        e = found.entry
        cite = Citation(1, e.doc_id, e.source, e.title, e.section, e.start, e.end, e.quote)
        text = e.answer if re.search(r"\[\d+\]", e.answer) else f"{e.answer}[1]"
        debug = {
            "curated": True,
            "curated_id": e.id,
            "curated_question": e.question,
            "similarity": found.similarity,
        }
        return Answer(question, True, text, None, "none", (cite,), debug=debug)

    def close(self) -> None:
        self.store.close()
