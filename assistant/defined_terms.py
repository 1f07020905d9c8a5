"""Terms the documents define (文件自身的术语定义): a question's word → the term whose definition lists it.

Laws define their terms by listing what they cover: 本条例所称四荒资源（以下简称四荒），是指农村集体所有
的荒山、荒地、荒滩、荒水; 本条例所称农村可再生能源，是指…的生物质能、太阳能、风能…等非化石能源. A cadre
asks about 荒山 or 太阳能热水器 and the rule that answers speaks of 四荒 or 可再生能源 only. Each such
definition read from the knowledge base's own documents makes its items point to its term: the term is
appended to the question's expansions (like the lexicon's formal forms) for retrieval and term matching,
never shown in an answer. The thesaurus is the documents', so it grows with every upload and needs no
hand-written entry.

Only definitions whose body ends in a short list of short nouns are read (…的A、B、C等…, two to
``max_items`` items of two to six characters): a definition by description (扶贫开发，是指国家机关…通过
政策、资金…) or a long list of activities (专业规划，是指防洪、治涝、灌溉…) would attach its term to common
words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answer_types import QuestionInfo
from assistant.lexicon import implied_forms

# 本条例所称X（以下简称Y），是指… — the defined term, its short form, and the body up to the sentence's end.
_DEFINITION = re.compile(
    r"所称([^，。；：“”]{2,16}?)(?:（以下简称“?([^）”]{1,8})”?）)?[，,]?(?:是指|指)([^。；]{2,240})"
)
_DOCUMENT_SELF = re.compile(r"^(?:本条例|本法|本办法|本规定|本细则)")
_ETC = re.compile(r"等[^、]*$")  # 海洋能等非化石能源 → 海洋能
_SEPARATORS = re.compile(r"、|以及|和|及")


def _listed(body: str, max_items: int) -> list[str]:
    """The items a definition's body ends with (after its last 的), or none when it is not such a list."""
    tail = _ETC.sub("", body.rsplit("的", 1)[-1])
    # 混合物及其制剂: 其制剂 names nothing, and one item left is no list
    items = [part.strip("“”《》 ") for part in _SEPARATORS.split(tail) if not part.startswith("其")]
    if not 2 <= len(items) <= max_items or not all(2 <= len(i) <= 6 for i in items):
        return []
    return items


def definitions(text: str, max_items: int = 6) -> list[tuple[str, str]]:
    """``(item, term)`` pairs of the definitions in ``text``: 荒山 → 四荒, 太阳能 → 农村可再生能源."""
    pairs: list[tuple[str, str]] = []
    for m in _DEFINITION.finditer(text):
        term = _DOCUMENT_SELF.sub("", (m.group(2) or m.group(1)).strip())
        if len(term) < 2:
            continue
        for item in _listed(m.group(3), max_items):
            if item not in term and term not in item and (item, term) not in pairs:
                pairs.append((item, term))
    return pairs


@dataclass(frozen=True, slots=True)
class _Known:
    doc_ids: frozenset[str]
    table: dict[str, tuple[str, ...]]


class DefinedTerms:
    """The definitions of the knowledge base's documents, read once per document: ids are content
    hashes, so a document's definitions never change; the table is rebuilt when the set of documents does."""

    def __init__(self, text_of: Callable[[str], str | None], max_items: int = 6) -> None:
        self._text_of = text_of
        self._max_items = max_items
        self._per_doc: dict[str, list[tuple[str, str]]] = {}
        self._known = _Known(frozenset(), {})
        self._lock = threading.Lock()  # questions are answered on several threads (web, API)

    def table(self, doc_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Item → the terms it is listed under, over the documents ``doc_ids``."""
        ids = frozenset(doc_ids)
        known = self._known
        if ids == known.doc_ids:
            return known.table
        with self._lock:
            return self._rebuilt(ids)

    def _rebuilt(self, ids: frozenset[str]) -> dict[str, tuple[str, ...]]:
        """Under the lock: read the documents not read yet, forget those gone, and merge the table."""
        for doc_id in ids - self._per_doc.keys():
            text = self._text_of(doc_id)
            self._per_doc[doc_id] = definitions(text, self._max_items) if text else []
        for gone in self._per_doc.keys() - ids:
            del self._per_doc[gone]
        table: dict[str, list[str]] = {}
        for doc_id in sorted(ids):
            for item, term in self._per_doc[doc_id]:
                terms = table.setdefault(item, [])
                if term not in terms:
                    terms.append(term)
        self._known = _Known(ids, {item: tuple(terms) for item, terms in table.items()})
        return self._known.table

    def expand(self, info: QuestionInfo, doc_ids: Sequence[str]) -> QuestionInfo:
        """``info`` with the terms its words are defined under added to its expansions. A word inside a
        document the question names (渔业 in 渔业法) or in the middle of a word is not the item."""
        q = info.text
        said = {
            item: terms
            for item, terms in self.table(doc_ids).items()
            if item in q and not any(item in name for name in info.named_docs)
        }
        found = [t for t in implied_forms(q, said) if t not in info.expansions]
        return replace(info, expansions=(*info.expansions, *found)) if found else info
