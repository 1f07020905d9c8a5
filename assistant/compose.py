"""Answer composition (答案组织): a short answer, the clause it comes from, and verified citations.

Citations are built here from stored offsets, never from generated text, so each quote is exactly
the document text at ``[start, end)``. Every figure in an answer must be stated, as the same value,
in a cited quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.consistency import unmatched_figures
from assistant.extract import Span
from assistant.question import QuestionInfo
from assistant.reader import Evidence
from assistant.types import Citation, Hit

MAX_ANSWER = 150  # characters; a cadre reads the answer on a phone in one glance
_CLAUSE = re.compile(r"[^，；：,;:]+[，；：,;:]?")


def citation_for(n: int, ev: Evidence) -> Citation:
    c = ev.hit.chunk
    return Citation(n, c.doc_id, c.source, ev.hit.title, c.section, ev.start, ev.end, ev.text)


def passage_citation(n: int, hit: Hit) -> Citation:
    c = hit.chunk
    return Citation(n, c.doc_id, c.source, hit.title, c.section, c.start, c.end, c.text)


def _proximity(span: Span, sentence: str, terms: Sequence[str]) -> float:
    """How closely the question's terms surround a span: Σ 1/(1 + gap) over the terms' occurrences."""
    total = 0.0
    for t in terms:
        i = sentence.find(t)
        while i >= 0:
            gap = (
                i - span.end
                if i >= span.end
                else span.start - (i + len(t))
                if i + len(t) <= span.start
                else 0
            )
            total += len(t) / (1.0 + max(gap, 0))
            i = sentence.find(t, i + 1)
    return total


def pick_span(info: QuestionInfo, ev: Evidence, terms: Sequence[str]) -> Span | None:
    """The answer span nearest to where the question's terms occur (and of the asked unit)."""
    spans = list(ev.spans)
    if not spans:
        return None
    if info.qtype == "yesno":
        negative = [s for s in spans if s.kind == "no"]
        permissive = [s for s in spans if s.text in ("可以", "允许", "有权", "可")]
        return (negative or permissive or spans)[0]
    if info.qtype == "number" and info.unit_forms:
        with_unit = [s for s in spans if any(u in s.text for u in info.unit_forms)]
        spans = with_unit or spans
    if info.qtype in ("list", "classification"):
        return max(spans, key=lambda s: (s.text.count("、"), len(s.text)))
    return max(spans, key=lambda s: (_proximity(s, ev.text, terms), -s.start))


def clause_window(sentence: str, span: Span | None, terms: Sequence[str], limit: int) -> tuple[int, int]:
    """A run of whole clauses around the span (or the best-matching clause) within ``limit`` chars."""
    if len(sentence) <= limit:
        return 0, len(sentence)
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
    if not clauses:
        return 0, min(len(sentence), limit)

    def weight(i: int) -> int:
        s, e = clauses[i]
        return sum(len(t) for t in terms if t in sentence[s:e])

    if span is not None:
        center = next((i for i, (s, e) in enumerate(clauses) if s <= span.start < e), 0)
    else:
        center = max(range(len(clauses)), key=weight)
    lo = hi = center
    while True:
        options = []
        if lo > 0 and clauses[hi][1] - clauses[lo - 1][0] <= limit:
            options.append((weight(lo - 1), 1, lo - 1, hi))
        if hi + 1 < len(clauses) and clauses[hi + 1][1] - clauses[lo][0] <= limit:
            options.append((weight(hi + 1), 0, lo, hi + 1))
        if not options:
            break
        _, _, lo, hi = max(options)
    start, end = clauses[lo][0], clauses[hi][1]
    if span is not None and not (start <= span.start and span.end <= end):
        start, end = max(0, span.start - limit // 3), min(len(sentence), span.start - limit // 3 + limit)
    return start, end


_COPULA = re.compile(r"主要是|就是|是指|主要任务是|目标是|是")


def clause_span(sentence: str, terms: Sequence[str]) -> Span | None:
    """For 是什么 questions: the clause that matches the question best, from its copula on
    (乡村振兴重点帮扶县主要是持续巩固拓展脱贫攻坚成果 → 持续巩固拓展脱贫攻坚成果)."""
    best: tuple[int, int, int] | None = None
    for m in _CLAUSE.finditer(sentence):
        weight = sum(len(t) for t in terms if t in m.group(0))
        if weight and (best is None or weight > best[0]):
            best = (weight, m.start(), m.end())
    if best is None:
        return None
    _, start, end = best
    clause = sentence[start:end].rstrip("，；：,;:。")
    last_term = max((clause.rfind(t) + len(t) for t in terms if t in clause), default=0)
    copula = _COPULA.search(clause, last_term) or _COPULA.search(clause)
    if copula and len(clause) - copula.end() >= 4:
        start, clause = start + copula.end(), clause[copula.end() :]
    if len(clause) < 4:
        return None
    return Span(start, start + len(clause), "clause", clause)


def verdict(span: Span | None) -> str | None:
    """Yes/no answer from the governing clause: 不得… means 不能; 免征 means 不需要."""
    if span is None:
        return None
    if span.kind == "no":
        if span.text in ("免征", "免收", "免予", "不收"):
            return "不需要"
        if span.text in ("取消",):
            return "可以"
        return "不能"
    return "可以" if span.text not in ("应当",) else "应当"


def short_answer(info: QuestionInfo, span: Span | None) -> str | None:
    if span is None:
        return None
    if info.qtype == "yesno":
        return verdict(span)
    return span.text.strip("，、；：。 ")


def missing_figures(answer: str, quotes: Sequence[str]) -> list[str]:
    """Figures in ``answer`` that no quote states as the same value: such a figure is not backed by the
    documents. Compared as values with their units (两年 = 2年; 5月1日 ≠ 1月1日; 1 is not in 10)."""
    return [f.numeral for f in unmatched_figures(answer, quotes)]


def strip_unbacked(answer: str, quotes: Sequence[str]) -> str:
    """Remove sentences of a generated answer whose figures the cited quotes do not contain."""
    parts = re.split(r"(?<=[。！？\n])", answer)
    kept = [p for p in parts if not missing_figures(p, quotes)]
    return "".join(kept).strip()
