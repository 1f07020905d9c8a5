"""Evidence reader (证据阅读): score the sentences of the retrieved passages, rerank the passages by
their best sentence, and pick the evidence an answer is built from.

A sentence's score is the rarity-weighted share of the question's terms it contains (terms found
only in its passage, section or document title count partly), plus how well it fits the question
type: a 多少 question needs a number with the asked unit, 什么时候 a date or period, 哪些 an
enumeration, 谁负责 a responsible body, 能不能 an obligation. Passages are reranked by fused rank
and best sentence together, so ``retrieved`` and the citations agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.extract import Span, bodies, dates, enumerations, obligations, quantities
from assistant.planted import in_planted, planted_spans, without_planted
from assistant.question import QuestionInfo
from assistant.types import Hit
from corpus.normalize import normalize_text
from corpus.sentences import split_line
from corpus.tokenize import Tokenizer, char_bigrams
from index.bm25_store import BM25Store

# Question words carry no topic; they are dropped from the terms a sentence must cover.
_QUESTION_WORDS = frozenset(
    [
        "什么",
        "哪些",
        "哪个",
        "哪几",
        "哪几个",
        "几个",
        "几类",
        "哪类",
        "多少",
        "几",
        "谁",
        "怎么",
        "怎样",
        "如何",
        "是否",
        "能否",
        "能不能",
        "要不要",
        "可不可以",
        "有没有",
        "是不是",
        "吗",
        "呢",
        "啥",
        "咋",
        "哪天",
        "哪一天",
        "什么时候",
        "时候",
        "多久",
        "多长时间",
        "哪一级",
        "一级",
        "哪级",
        "具体",
        "一般",
        "主要",
        "最后",
        "现在",
        "这个",
        "那个",
        "这样",
        "我们",
        "他们",
        "规定",
        "要求",
        "文件",
        "里",
        "说",
        "讲",
        "提",
        "提到",
    ]
)
CONTEXT_CREDIT = 0.6  # a term found in the passage/section/title but not in the sentence
FIT_WEIGHT = 0.2
PRIOR_WEIGHT = 0.1
HEADING_PENALTY = 0.6
LENGTH_CREDIT = 0.03
UNKNOWN_WORD_WEIGHT = 1.5


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class Evidence:
    """A scored sentence: ``[start, end)`` offsets into its document."""

    hit: Hit
    start: int
    end: int
    text: str
    coverage: float
    fit: float
    score: float
    spans: tuple[Span, ...]  # candidate answer spans, offsets relative to ``text``


@dataclass(frozen=True, slots=True)
class Reading:
    """What :meth:`Reader.read` found: the passages reranked, the sentences best first, and the
    question terms they were scored against (the answer is composed with the same terms)."""

    ranked: list[Hit]
    evidence: list[Evidence]
    terms: tuple[Term, ...]


class Reader:
    def __init__(self, tokenizer: Tokenizer, bm25: BM25Store) -> None:
        self.tokenizer = tokenizer
        self.bm25 = bm25

    def terms(self, info: QuestionInfo) -> list[Term]:
        """Question terms with IDF weights: words (jieba) and character bigrams at half weight.

        A word the corpus never uses is usually colloquial (县里, 落回), so it gets a low weight
        rather than the highest; a bigram the corpus never uses spans two words and is dropped.
        """
        words = [w for w in self.tokenizer.words(info.search_text) if w not in _QUESTION_WORDS and len(w) > 1]
        terms = [Term(w, self.bm25.idf(w) or UNKNOWN_WORD_WEIGHT) for w in dict.fromkeys(words)]
        grams = [
            g for g in dict.fromkeys(char_bigrams(normalize_text(info.text))) if not _is_question_gram(g)
        ]
        terms += [Term(g, 0.5 * self.bm25.idf("#" + g)) for g in grams if self.bm25.idf("#" + g) > 0]
        return terms

    def read(
        self, info: QuestionInfo, hits: Sequence[Hit], doc_weights: Mapping[str, float] | None = None
    ) -> Reading:
        """Score every sentence of ``hits``; return the passages reranked by their best sentence and
        the sentences, best first. Both orders use the same final score, so they agree."""
        terms = self.terms(info)
        total = sum(t.weight for t in terms) or 1.0
        evidence: list[Evidence] = []
        best_of: dict[int, float] = {}
        for rank, hit in enumerate(hits):
            c = hit.chunk
            planted = planted_spans(c.text)  # text addressed to the assistant is never evidence
            context = normalize_text(f"{hit.title}\n{c.section}\n{without_planted(c.text, planted)}")
            prior = PRIOR_WEIGHT / (1.0 + rank / 3.0)
            doc_boost = (doc_weights or {}).get(c.doc_id, 1.0) ** 0.5
            for s, e in split_line(c.text, 0, len(c.text)):
                for ls, le in _lines(c.text, s, e):
                    if in_planted(ls, le, planted):
                        continue
                    sent = c.text[ls:le]
                    norm = normalize_text(sent)
                    got = sum(
                        t.weight
                        if t.text in norm
                        else t.weight * CONTEXT_CREDIT
                        if t.text in context
                        else 0.0
                        for t in terms
                    )
                    coverage = got / total
                    spans = candidate_spans(info, sent)
                    fit = type_fit(info, sent, spans)
                    shape = HEADING_PENALTY if _looks_like_heading(sent) else 1.0
                    length = LENGTH_CREDIT * min(len(sent) / 80.0, 1.0)
                    score = (coverage + FIT_WEIGHT * fit + length) * shape * doc_boost + prior
                    best_of[rank] = max(best_of.get(rank, 0.0), score)
                    evidence.append(
                        Evidence(hit, c.start + ls, c.start + le, sent, coverage, fit, score, tuple(spans))
                    )
        order = sorted(range(len(hits)), key=lambda r: (-best_of.get(r, 0.0), r))
        evidence.sort(key=lambda ev: (-ev.score, ev.start))
        return Reading([hits[r] for r in order], evidence, tuple(terms))


_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[编章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）])"
)


def _looks_like_heading(sentence: str) -> bool:
    """Short heading lines match a question's words without saying anything; they rank below text."""
    return len(sentence) <= 32 and (
        not sentence.endswith(("。", "；", "！", "？")) or bool(_HEADING.match(sentence))
    )


def _lines(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A chunk may hold line breaks inside what split_line saw as one span: split there too."""
    out = []
    pos = s
    for part in text[s:e].split("\n"):
        stripped = part.strip()
        if stripped:
            off = pos + part.index(stripped)
            out.append((off, off + len(stripped)))
        pos += len(part) + 1
    return out


def _is_question_gram(gram: str) -> bool:
    return any(ch in "哪什么几吗呢啥咋谁怎多少" for ch in gram)


def candidate_spans(info: QuestionInfo, sentence: str) -> list[Span]:
    kind = info.qtype
    if kind == "number":
        return quantities(sentence)
    if kind == "deadline":
        return dates(sentence)
    if kind in ("list", "classification"):
        return enumerations(sentence)
    if kind == "procedure":
        return bodies(sentence)
    if kind == "yesno":
        return obligations(sentence)
    return []


def type_fit(info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
    """1 when the sentence holds an answer of the asked kind (and unit), partial credit otherwise."""
    if info.qtype in ("definition", "other"):
        return 0.5
    if not spans:
        if info.qtype == "yesno":
            return 0.5  # a plain statement (…优先聘用为护林员) answers yes without a modal verb
        if info.qtype in ("list", "classification") and re.search(
            r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,}(?:与|和|及)[\u4e00-\u9fff]{2,}", sentence
        ):
            return 0.6  # a pair (珠江三角洲地区与粤东粤西粤北地区) is a short enumeration
        return 0.0
    if info.qtype == "number" and info.unit_forms:
        return 1.0 if any(any(u in s.text for u in info.unit_forms) for s in spans) else 0.2
    return 1.0
