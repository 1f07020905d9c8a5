"""Evidence reader (证据阅读): score the sentences of the retrieved passages, rerank the passages by
their best sentence, and pick the evidence an answer is built from.

A sentence's score is the rarity-weighted share of the question's terms it contains (terms found
only in its passage, section or document title count partly), plus how well it fits the question
type: a 多少 question needs a number with the asked unit, 什么时候 a date or period, 哪些 an
enumeration, 谁负责 a responsible body, 能不能 an obligation. Passages are reranked by fused rank
and best sentence together, so ``retrieved`` and the citations agree.

Structure is read too: for list questions a lead-in (…包括： / 下列…：) and the numbered items after it
are one piece of evidence; for who / when / may-I questions the most specific of the nearly-best
sentences leads (its own words cover more of the question; a named body over 县级以上人民政府).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.answer_types import QuestionInfo
from assistant.conditions import condition_fit, held_quantities, stated_quantities
from assistant.extract import Span, lead_in_items
from assistant.planted import in_planted, planted_spans, without_planted
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.term_match import (
    Term,
    announces,
    colloquial_capped,
    continued_words,
    is_question_gram,
    looks_like_heading,
    referenced_words,
    region_scaled,
    sentence_closers,
    separated_words,
    weighed,
)
from assistant.types import Hit
from corpus.normalize import normalize_text
from corpus.sentences import reading_units
from corpus.tokenize import Tokenizer, char_bigrams
from corpus.types import Chunk

# Question words carry no topic; they are dropped from the terms a sentence must cover.
_QUESTION_WORDS = frozenset(
    ["什么", "哪些", "哪个", "哪几", "哪几个", "几个", "几类", "哪类", "多少", "几", "谁", "怎么",
     "怎样", "如何", "是否", "能否", "能不能", "要不要", "可不可以", "有没有", "是不是", "吗", "呢", "啥",
     "咋", "哪天", "哪一天", "什么时候", "时候", "多久", "多长时间", "哪一级", "一级", "哪级", "具体", "一般",
     "主要", "最后", "现在", "这个", "那个", "这样", "我们", "他们", "规定", "要求", "文件", "里",
     "说", "讲", "提", "提到",
     # Spoken fillers (口头语) name no topic: 俺们临沂这边 asks about 临沂.
     "俺", "俺们", "咱", "咱们", "这边", "那边", "这儿", "那儿", "这块", "大伙", "大伙儿", "咋个"]
)  # fmt: skip


# Words every clause on duties shares (人民政府, 部门, 县级以上): they say nothing of whose duty it is.
GENERIC_WORDS = frozenset(
    ["人民政府", "人民", "政府", "县级以上", "县级", "以上", "地方", "各级", "部门", "有关部门", "主管部门",
     "有关", "主管", "负责", "应当", "国家"]
)  # fmt: skip


class SentenceSimilarity(Protocol):
    """Cosines between the question and its passages' reading units ``(chunk_id, start, end, text)``
    (offsets into the chunk), from sentence vectors stored at ingest (index.sentence_vectors); None
    for a unit without a vector, or for all of them. ``weights`` (one per dimension) weigh the dot
    product (the learned affinity, assistant.affinity)."""

    def __call__(
        self,
        question: str,
        units: Sequence[tuple[str, int, int, str]],
        weights: Sequence[float] | None = None,
    ) -> Sequence[float | None] | None: ...


class TermStats(Protocol):
    """Corpus statistics of the keyword index (the BM25 store): how rare a token is."""

    def idf(self, token: str) -> float: ...


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
    # How close its embedding is to the question's, relative to the closest sentence read (1.0: it is
    # the closest; 0.0: semantic_spread or more below it, or no vector).
    closeness: float = 0.0


@dataclass(frozen=True, slots=True)
class _Scored:
    """Evidence while it is scored: its passage's rank, its reading unit in the chunk, and the factor
    its lexical terms were scaled by (heading shape × document weight)."""

    rank: int
    start: int
    end: int
    evidence: Evidence
    scale: float
    # Where the numbered items this unit rules are (有下列行为之一的，处…罚款：（一）…), as offsets into its
    # document (they may run into the next passage); None when it rules none.
    rules: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What :meth:`Reader.read` found: the passages reranked, the sentences best first, and the
    question terms they were scored against (the answer is composed with the same terms)."""

    ranked: list[Hit]
    evidence: list[Evidence]
    terms: tuple[Term, ...]


class Reader:
    """Scores sentences against a question. ``stats`` gives the keyword index's current statistics
    (called once per question, so a reloaded index is used from the next question on)."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        stats: Callable[[], TermStats],
        policy: AnswerPolicy = DEFAULT_POLICY,
        texts: Callable[[str], str | None] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.stats = stats
        self.policy = policy
        # A document's full text by id: a lead-in's items read past the passage's end (an article's items
        # often fill the next passage). Without it, a lead-in rules only the items its passage holds.
        self.texts = texts

    def terms(self, info: QuestionInfo, stats: TermStats | None = None) -> list[Term]:
        """Question terms with IDF weights: words (jieba) and character bigrams at half weight.

        A word the corpus never uses is usually colloquial (县里, 落回), so it gets a low weight
        rather than the highest; a bigram the corpus never uses spans two words and is dropped.
        """
        idf = (stats or self.stats()).idf
        p = self.policy
        words = [w for w in self.tokenizer.words(info.search_text) if w not in _QUESTION_WORDS and len(w) > 1]
        terms = [Term(w, idf(w) or p.unknown_word_weight, not idf(w)) for w in dict.fromkeys(words)]
        text = normalize_text(info.text)
        split = separated_words(text, self.tokenizer.words(text), lambda w: idf(w) > 0)
        terms += [Term(w, idf(w)) for w in split if w not in words]
        grams = [g for g in dict.fromkeys(char_bigrams(text)) if not is_question_gram(g)]
        terms += [Term(g, p.bigram_weight * idf("#" + g)) for g in grams if idf("#" + g) > 0]
        return region_scaled(colloquial_capped(terms, info), info, p.region_term_weight)

    def read(
        self,
        info: QuestionInfo,
        hits: Sequence[Hit],
        doc_weights: Mapping[str, float] | None = None,
        similarity: SentenceSimilarity | None = None,
    ) -> Reading:
        """Score every sentence of ``hits``; return the passages reranked by their best sentence and
        the sentences, best first. Both orders use the same final score, so they agree.

        ``similarity`` (语义相似度) gives each sentence's embedding cosine to the question, from vectors
        stored at ingest; without it (or before a document's sentence vectors exist) sentences are
        scored by words and answer type alone."""
        p = self.policy
        kind = info.answer_type
        terms = self.terms(info)
        total = sum(t.weight for t in terms) or 1.0
        stated = stated_quantities(info.text) if p.condition_weight else []
        found: list[_Scored] = []
        for rank, hit in enumerate(hits):
            c = hit.chunk
            planted = planted_spans(c.text)  # text addressed to the assistant is never evidence
            context = normalize_text(f"{hit.title}\n{c.section}\n{without_planted(c.text, planted)}")
            prior = p.prior_weight / (1.0 + rank / p.prior_decay)
            doc_boost = (doc_weights or {}).get(c.doc_id, 1.0) ** p.doc_boost_power
            lead, lead_start, lead_end = "", 0, -1  # the lead-in whose numbered items are being read
            lead_says = False  # whether the lead-in says what holds of its items (禁止下列行为：)
            units = reading_units(c.text)
            whole, at = self._whole(c)  # lead-ins are read in the whole document when it is known
            closes = sentence_closers(c.text, units) if p.items_inherit_lead else {}
            for i, (ls, unit_end) in enumerate(units):
                if in_planted(ls, unit_end, planted):
                    continue
                le = unit_end
                inherited = lead if ls < lead_end else ""  # the lead-in this unit is an item of
                best_item = ""
                ruled = announces(whole, at + ls, at + le, terms, p) if p.items_inherit_lead else None
                rules = None
                if ruled is not None:
                    lead, lead_start, lead_end, best_item = ruled[0], ls, ruled[1] - at, ruled[2]
                    rules = (c.start + unit_end, c.start + lead_end)
                    lead_says = kind.reads_lead_in(lead)
                    inherited = ""
                # A may-I question reads an item from its lead-in on: 禁止下列行为：（一）上坟烧纸… says no.
                first = ls
                if inherited and lead_says and le - lead_start <= p.max_answer:
                    first, inherited = lead_start, ""  # the lead-in is part of the sentence read
                listed = self._listed(whole, at, c.text, ls, le) if kind.gathers_items else None
                if listed is not None:  # the lead-in and the items it announces are one answer
                    le = listed.end  # past the passage's end when its items run into the next one
                sent = whole[at + first : at + le]
                norm = normalize_text(sent)
                spans = (
                    [Span(listed.start - first, listed.end - first, listed.kind, listed.text)]
                    if listed is not None
                    else kind.spans(info, sent)
                )
                if kind.clauses_rule_items and spans and p.resolve_references:
                    # A penalty that names the deed by article number (有第四十一条规定行为之一的，…逾期不改正
                    # 的，处…罚款) speaks of what that article says: its clause matching the question.
                    opened = max(c.text.rfind("。", 0, ls), c.text.rfind("\n", 0, ls)) + 1
                    referred = referenced_words(whole, at + opened, at + le, terms, p)
                else:
                    referred = ""
                if kind.clauses_rule_items and spans and p.continuations_inherit:
                    referred += continued_words(whole, at + first)
                if ruled is None and i in closes and kind.clauses_rule_items and spans:
                    # A clause holding a figure, of a sentence whose last clause announces the items
                    # (…恢复原状；逾期不改正的，对个人处…罚款；造成损失的，依法赔偿损失：（一）…), rules them too.
                    closer = announces(whole, at + units[closes[i]][0], at + units[closes[i]][1], terms, p)
                    if closer is not None:
                        best_item = closer[2]
                        rules = (c.start + units[closes[i]][1], c.start + closer[1] - at)
                # An item completes its lead-in's sentence (护理费的标准为：（一）因公一级…): the lead-in's
                # words count as the item's own; a lead-in read alone speaks of its best-matching item.
                words_of = f"{norm}{best_item}" if best_item and listed is None else f"{inherited}{norm}"
                words_of += referred
                got = weighed(terms, words_of, context, p)
                held = "".join(q.text for q in held_quantities(stated, sent))  # 15岁 held by 未满十六周岁
                if held:
                    got += sum(t.weight for t in terms if t.text in held and t.text not in words_of)
                coverage = got / total
                fit = kind.fit(info, sent, spans)
                shape = p.heading_penalty if looks_like_heading(sent, p.heading_chars) else 1.0
                length = p.length_credit * min(len(sent) / p.length_chars, 1.0)
                case = p.condition_weight * condition_fit(stated, sent) if stated else 0.0
                score = (
                    coverage + p.fit_weight * kind.fit_gain * fit + length + case
                ) * shape * doc_boost + prior
                ev = Evidence(hit, c.start + first, c.start + le, sent, coverage, fit, score, tuple(spans))
                found.append(_Scored(rank, ls, unit_end, ev, shape * doc_boost, rules))
        scored = self._semantic(info, found, similarity)
        best_of: dict[int, float] = {}
        for item in scored:
            best_of[item.rank] = max(best_of.get(item.rank, 0.0), item.evidence.score)
        order = sorted(range(len(hits)), key=lambda r: (-best_of.get(r, 0.0), r))
        evidence = sorted((item.evidence for item in scored), key=lambda ev: (-ev.score, ev.start))
        if kind.prefers_specific:
            evidence = self._specific_first(info, evidence, terms)
        return Reading([hits[r] for r in order], evidence, tuple(terms))

    def _listed(self, whole: str, at: int, passage: str, start: int, end: int) -> Span | None:
        """The items a lead-in at ``start:end`` of its passage announces (offsets relative to the passage),
        read in ``whole`` so a list that runs into the next passage is read whole; text addressed to
        the assistant past the passage's end keeps the list to what the passage holds."""
        limit = self.policy.items_chars
        found = lead_in_items(whole, at + start, at + end, limit)
        if found is None or found.end - at <= len(passage):
            return lead_in_items(passage, start, end, limit)
        if planted_spans(whole[at + len(passage) : found.end]):
            return lead_in_items(passage, start, end, limit)
        return Span(found.start - at, found.end - at, found.kind, found.text)

    def _whole(self, chunk: Chunk) -> tuple[str, int]:
        """The text a passage's lead-ins are read in and the passage's offset in it: its document when
        the document's text is known and holds the passage where it says, else the passage itself."""
        full = self.texts(chunk.doc_id) if self.texts is not None else None
        if full is not None and full[chunk.start : chunk.end] == chunk.text:
            return full, chunk.start
        return chunk.text, 0

    def _semantic(
        self, info: QuestionInfo, found: list[_Scored], similarity: SentenceSimilarity | None
    ) -> list[_Scored]:
        """Add the semantic term (语义分): ``semantic_weight`` for the sentence most similar to the
        question, falling linearly to 0 at ``semantic_spread`` below it. Relative, because e5 cosines
        crowd into a narrow band whose level varies from question to question; scaled like the lexical
        terms by the sentence's shape, so a heading that restates the question gains less."""
        p = self.policy
        if similarity is None or p.semantic_weight <= 0 or not found:
            return found
        units = [(f.evidence.hit.chunk.chunk_id, f.start, f.end, f.evidence.hit.chunk.text[f.start : f.end])
                 for f in found]  # fmt: skip
        cosines = similarity(info.search_text, units)
        known = [c for c in cosines or () if c is not None]
        if not cosines or not known:
            return found
        top = max(known)
        if p.items_lend_closeness:
            cosines = _with_items(found, cosines)
        out = []
        for f, cos in zip(found, cosines, strict=True):
            if cos is not None:
                closeness = max(1.0 + (cos - top) / p.semantic_spread, 0.0)
                gain = p.semantic_weight * closeness * f.scale
                f = replace(
                    f, evidence=replace(f.evidence, score=f.evidence.score + gain, closeness=closeness)
                )
            out.append(f)
        return out

    def _specific_first(
        self, info: QuestionInfo, evidence: list[Evidence], terms: Sequence[Term]
    ) -> list[Evidence]:
        """The most specific clause leads (最具体条款): among sentences scoring nearly as well as the best
        and fitting the type as well, the one whose own words cover clearly more of the question, a
        named body counting above a broad one (县级以上人民政府)."""
        if not evidence:
            return evidence
        p = self.policy
        total = sum(t.weight for t in terms) or 1.0
        best = evidence[0]

        words = [t.text for t in terms]

        def own(ev: Evidence) -> float:
            norm = normalize_text(ev.text)
            covered = sum(t.weight for t in terms if t.text in norm and t.text not in GENERIC_WORDS) / total
            broad = info.answer_type.broad(info, info.answer_type.pick(info, ev.text, ev.spans, words))
            return covered - (p.broad_body_penalty if broad else 0.0)

        floor = own(best) + p.specific_gain
        rivals = [
            ev
            for ev in evidence[1 : p.specific_window]
            if ev.score >= p.specific_margin * best.score and ev.fit >= best.fit and own(ev) >= floor
        ]
        if not rivals:
            return evidence
        chosen = max(rivals, key=lambda ev: (own(ev), ev.score))
        return [chosen, *(ev for ev in evidence if ev is not chosen)]


def _with_items(found: Sequence[_Scored], cosines: Sequence[float | None]) -> list[float | None]:
    """Each unit's cosine, a unit that rules numbered items taking its closest item's when higher: a
    penalty clause speaks of the deeds it lists (（三）…旅客丢弃火种的), which its own words never name."""
    at = [(f.evidence.hit.chunk.doc_id, f.evidence.hit.chunk.start + f.start) for f in found]
    out = list(cosines)
    for i, f in enumerate(found):
        if f.rules is not None:
            doc, (lo, hi) = at[i][0], f.rules
            near = [
                c
                for (d, o), c in zip(at, cosines, strict=True)
                if c is not None and d == doc and lo <= o < hi
            ]
            own = cosines[i]
            if near and (own is None or max(near) > own):
                out[i] = max(near)
    return out
