"""Quiz generation (出题): candidates from the chosen documents, built, gated, balanced and reported.

Deterministic: the order of candidates and every random choice derive from the seed (each candidate
gets its own ``Random`` seeded by the quiz seed and its place in the corpus), so the same seed and
knowledge base always give the same quiz, and regenerating one item leaves the others alone.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quiz import gates, items
from quiz.distractors import DistractorPool
from quiz.facts import Enumeration, Fact, extract_enumerations, extract_facts, extract_modalities
from quiz.rephrase import rephrase
from quiz.source import DocumentTexts, QuizSource, Sentence, corpus_sentences, select_documents
from quiz.types import ITEM_TYPES, QuizItem, QuizReport, QuizSpec

if TYPE_CHECKING:
    from assistant import Assistant

# Fact kinds each type prefers, best first; numbers, dates and periods make the sharpest items.
_KIND_ORDER = {
    "single": ("number", "period", "date", "body", "term"),
    "blank": ("number", "period", "date", "term", "body"),
    "judge": ("number", "period", "date", "body", "modality", "term"),
}
_MAX_ASKS_PER_ITEM = 6  # assistant questions spent per requested item before giving up


@dataclass(frozen=True, slots=True)
class Quiz:
    """A generated quiz and the report of how it was made (试卷)."""

    items: tuple[QuizItem, ...]
    report: QuizReport


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: Sentence
    fact: Fact | None = None
    enum: Enumeration | None = None

    @property
    def kind(self) -> str:
        return self.fact.kind if self.fact else "list"

    def rng(self, seed: int, item_type: str, salt: str = "") -> random.Random:
        s = self.sentence
        at = self.fact.start if self.fact else self.enum.start if self.enum else 0
        return random.Random(f"{seed}:{salt}:{item_type}:{s.source}:{s.start}:{at}")


class QuizGenerator:
    """Makes quizzes from a knowledge base; ``assistant`` (optional) powers the agreement gate."""

    def __init__(self, source: QuizSource, assistant: Assistant | None = None, llm: Any = None) -> None:
        self.llm = llm  # optional chat model that rewords stems (quiz.rephrase)
        self.source = source
        self.assistant = assistant
        self._pool: DistractorPool | None = None
        self._texts: DocumentTexts | None = None
        self._facts: dict[tuple[str, int], list[Fact]] = {}
        self._enums: dict[tuple[str, int], list[Enumeration]] = {}
        self._modals: dict[tuple[str, int], list[Fact]] = {}  # 应当/可以/不得: judge points only

    # -- corpus-wide material -------------------------------------------------------------------------
    def _prepare(self) -> None:
        if self._pool is not None:
            return
        tokenizer = self.source.tokenizer
        all_facts: list[Fact] = []
        all_enums: list[Enumeration] = []
        for s in corpus_sentences(self.source, self.source.documents()):
            facts = extract_facts(s.text)
            enums = extract_enumerations(s.text, tokenizer)
            self._facts[(s.source, s.start)] = facts
            self._enums[(s.source, s.start)] = enums
            modals = extract_modalities(s.text)
            self._modals[(s.source, s.start)] = modals
            all_facts += facts + modals
            all_enums += enums
        self._pool = DistractorPool(all_facts, all_enums)
        self._texts = DocumentTexts.from_source(self.source)

    def _candidates(self, sentences: Sequence[Sentence], item_type: str, seed: int) -> Iterator[_Candidate]:
        """Candidates for one type, taking documents in turn so a quiz covers its documents evenly."""
        rng = random.Random(f"{seed}:order:{item_type}")
        by_doc: dict[str, list[_Candidate]] = defaultdict(list)
        for s in sentences:
            key = (s.source, s.start)
            if item_type == "multi":
                by_doc[s.source] += [_Candidate(s, enum=e) for e in self._enums.get(key, ())]
            else:
                facts = [
                    *self._facts.get(key, ()),
                    *(self._modals.get(key, ()) if item_type == "judge" else ()),
                ]
                by_doc[s.source] += [_Candidate(s, fact=f) for f in facts]
        order = _KIND_ORDER.get(item_type, ())
        queues = []
        for source in sorted(by_doc):
            queue = by_doc[source]
            rng.shuffle(queue)
            # Rarer, sharper kinds first, with some shuffle so each seed mixes kinds differently.
            queue.sort(key=lambda c: (order.index(c.kind) if c.kind in order else 9) + rng.random() * 2.5)
            queues.append(queue)
        rng.shuffle(queues)
        while any(queues):
            for queue in queues:
                if queue:
                    yield queue.pop(0)

    # -- generation -----------------------------------------------------------------------------------
    def generate(self, spec: QuizSpec, exclude: Sequence[tuple[str, int]] = (), salt: str = "") -> Quiz:
        """A quiz as ``spec`` asks; ``exclude`` lists (source, start) sentences already used."""
        self._prepare()
        report = QuizReport()
        docs = select_documents(self.source, spec.docs)
        if spec.docs and not docs:
            report.notes.append(f"未找到文件：{'、'.join(spec.docs)}（可用 policy-assistant list 查看）")
        sentences = corpus_sentences(self.source, docs, spec.sections)
        used = set(exclude)
        dedup = gates.Deduplicator()
        kept: list[QuizItem] = []
        for item_type, count in spec.counts:
            if item_type not in ITEM_TYPES:
                raise ValueError(f"未知题型 {item_type!r}，可选 {', '.join(ITEM_TYPES)}")
            got = self._fill(item_type, count, sentences, spec, used, dedup, report, salt)
            kept += got
            if len(got) < count:
                report.shortfall[item_type] = count - len(got)
        report.kept = len(kept)
        return Quiz(tuple(kept), report)

    def _fill(
        self,
        item_type: str,
        count: int,
        sentences: Sequence[Sentence],
        spec: QuizSpec,
        used: set[tuple[str, int]],
        dedup: gates.Deduplicator,
        report: QuizReport,
        salt: str,
    ) -> list[QuizItem]:
        plan = random.Random(f"{spec.seed}:{salt}:plan:{item_type}")
        positions = _balanced(plan, 4, count)  # key letters of 单选, evenly spread
        truths = [p == 0 for p in _balanced(plan, 2, count)]  # 判断: half true, half false
        out: list[QuizItem] = []
        asks = 0
        for cand in self._candidates(sentences, item_type, spec.seed):
            if len(out) >= count:
                break
            where = (cand.sentence.source, cand.sentence.start)
            if where in used:
                continue
            built = self._build(cand, item_type, spec.seed, salt, positions[len(out)], truths[len(out)])
            report.generated += 1
            reason = built if isinstance(built, str) else gates.static_check(built) or dedup.check(built)
            if reason is None and isinstance(built, QuizItem):
                reason = gates.trainer_check(built, self.source.tokenizer)
            if reason is None and self.llm is not None and isinstance(built, QuizItem):
                built = rephrase(built, self.llm)  # checked there; the gates below see the kept stem
            if reason is None and spec.difficulty and isinstance(built, QuizItem):
                reason = "difficulty" if built.difficulty != spec.difficulty else None
            if reason is None and spec.verify and self.assistant is not None and isinstance(built, QuizItem):
                if asks >= count * _MAX_ASKS_PER_ITEM:
                    report.notes.append(f"{item_type}: 助手复核次数已达上限")
                    break
                asks += 1
                report.asked += 1
                reason = gates.assistant_gate(self.assistant, built)
                report.agreed += reason is None
            if reason is not None or not isinstance(built, QuizItem):
                report.drop(str(reason))
                continue
            dedup.add(built)
            used.add(where)
            out.append(built)
        return out

    def _build(
        self, cand: _Candidate, item_type: str, seed: int, salt: str, key_pos: int, truth: bool
    ) -> items.Built:
        assert self._pool is not None and self._texts is not None
        rng = cand.rng(seed, item_type, salt)
        s = cand.sentence
        if item_type == "multi":
            assert cand.enum is not None
            return items.build_multi(s, cand.enum, self._pool, rng)
        assert cand.fact is not None
        if item_type == "single":
            return items.build_choice(s, cand.fact, self._pool, self._texts, rng, key_pos)
        if item_type == "judge":
            return items.build_judge(s, cand.fact, self._pool, self._texts, rng, truth)
        return items.build_blank(s, cand.fact)

    def regenerate(
        self, quiz: Sequence[QuizItem], index: int, spec: QuizSpec, attempt: int = 1
    ) -> QuizItem | None:
        """A new item of the same type as ``quiz[index]`` from a sentence no other item uses."""
        old = quiz[index]
        exclude = [(i.citation.source, i.citation.start) for i in quiz]
        one = QuizSpec(
            counts=((old.type, 1),), docs=spec.docs, sections=spec.sections, difficulty=spec.difficulty,
            seed=spec.seed, verify=spec.verify,
        )  # fmt: skip
        new = self.generate(one, exclude=exclude, salt=f"regen{attempt}:{index}")
        return new.items[0] if new.items else None


def _balanced(rng: random.Random, k: int, n: int) -> list[int]:
    """``n`` values from ``range(k)``, each block of ``k`` a fresh permutation (plus spares)."""
    out: list[int] = []
    while len(out) < n + k:
        block = list(range(k))
        rng.shuffle(block)
        out += block
    return out


def letter_counts(quiz: Sequence[QuizItem]) -> Counter[str]:
    """How often each letter is keyed across the quiz's choice items (balance check)."""
    return Counter(a for i in quiz if i.type in ("single", "multi") for a in i.answer)


def generate_quiz(source: QuizSource, spec: QuizSpec, assistant: Assistant | None = None) -> Quiz:
    return QuizGenerator(source, assistant).generate(spec)
