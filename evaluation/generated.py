"""Generated question sets (生成题集): thousands of gold questions from the corpus, worded as cadres ask.

Facts come from the quiz fact extractor (numbers with units, dates, periods, responsible bodies,
enumerations, defined terms) and from 不得/可以 clauses; each becomes a question whose body is its
clause with the fact replaced by a colloquial question word (多少钱/补多少, 最晚几天内/啥时候, 谁/
哪个部门, 哪些/哪几类, 能不能/可不可以), led by the document's formal name, a loose name, a name with
one misspelled character, or no name at all (only when the clause is unique to one document). The
gold answer is the fact as the document words it, the gold evidence its clause with exact offsets.

Unanswerable questions (type ``none``) are answerable ones with one constraint swapped for one the
corpus does not hold: a year (2024年一号文件), a region (湖南省…条例), a document (土地管理法), a
subject (外卖骑手) or a unit (多少钱 of a clause with no amount); see :mod:`evaluation.generated_names`.

Everything is drawn from one ``random.Random(seed)``: the same corpus and seed give the same file.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus.loaders import load_paths
from corpus.tokenize import default_tokenizer
from corpus.types import SourceDoc
from evaluation.errors import GoldSetError
from evaluation.generated_facts import AskableFact, document_facts
from evaluation.generated_names import (
    ABSENT_DOCUMENTS,
    ABSENT_SUBJECTS,
    PROVINCES,
    DocNames,
    absent,
    doc_names,
    misspell,
)

__all__ = ["SWAP_KINDS", "GeneratedQuestion", "generate", "generate_from_paths", "write_jsonl"]

REFUSAL = "现有文件中没有相关规定，无法回答"
SWAP_KINDS = ("year", "region", "document", "subject", "unit")
NAME_FORMS = (("formal", 0.35), ("loose", 0.3), ("dropped", 0.2), ("misspelled", 0.15))
_COLLOQUIAL = (
    ("应当", "要"),
    ("确保", "保证"),
    ("按照", "按"),
    ("给予", "给"),
    ("依法", ""),
    ("及时", "尽快"),
)
_OPENERS = ("", "", "", "请问", "问一下，", "咨询一下，")
# Units a figure may have for the unit swap to ask 多少钱 of it (次, 倍 of a fine … would read as nonsense).
_UNIT_SWAP = frozenset(
    {"%", "％", "百分之", "亩", "万亩", "人", "万人", "户", "个", "项", "家", "所", "座", "公里"}
)
MAX_WORDINGS = 5  # a fact is asked in at most this many wordings (name form, question word, opener)


@dataclass(frozen=True, slots=True)
class GeneratedQuestion:
    """One generated gold question; ``start``/``end`` locate ``evidence`` in ``doc``'s text."""

    id: str
    type: str
    question: str
    answers: tuple[str, ...]
    keys: tuple[str, ...]
    doc: str
    evidence: str
    start: int = -1
    end: int = -1
    name_form: str = ""  # formal | loose | misspelled | dropped
    template: str = ""
    swap: str = ""  # for unanswerable questions: year | region | document | subject | unit
    swapped_in: str = ""  # the absent year, region, document, subject or unit asked about
    base_id: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != "none"

    def to_row(self) -> dict[str, Any]:
        """The gold JSONL row (``eval score`` reads id/type/question/answers/keys/doc/evidence)."""
        return {
            "id": self.id, "type": self.type, "question": self.question, "answers": list(self.answers),
            "keys": list(self.keys), "doc": self.doc, "evidence": self.evidence,
            "answerable": self.answerable, "start": self.start, "end": self.end,
            "name_form": self.name_form, "template": self.template, "swap": self.swap,
            "swapped_in": self.swapped_in, "base_id": self.base_id,
        }  # fmt: skip


# ---------------------------------------------------------------- wording


def _colloquial(text: str, rng: random.Random) -> str:
    for official, spoken in _COLLOQUIAL:
        if official in text and rng.random() < 0.5:
            text = text.replace(official, spoken)
    return text


def _name_prefix(name: str, rng: random.Random) -> str:
    return rng.choice((f"《{name}》规定，", f"按照{name}，", f"{name}里说，", f"{name}里，", f"根据{name}，"))


def _pick_name(names: DocNames, form: str, rng: random.Random) -> tuple[str, str]:
    """(form actually used, name) for the wanted form; falls back to the formal name."""
    if form == "loose" and names.loose:
        return form, rng.choice(names.loose)
    if form == "misspelled":
        typo = misspell(rng.choice((names.formal, *names.loose)), rng)
        if typo:
            return form, typo
    if form == "dropped":
        return form, ""
    return "formal", names.formal


def _word(fact: AskableFact, name: str, rng: random.Random) -> tuple[str, str]:
    """(question, template) of a fact named as ``name`` ("" = no name)."""
    opener = rng.choice(_OPENERS)
    if fact.whole == "in-force":
        pattern = rng.choice(
            ("{n}什么时候开始施行？", "{n}啥时候施行的？", "{n}从哪天起实行？", "{n}哪天生效？")
        )
        return opener + pattern.format(n=name), "in-force"
    if fact.whole == "defined":
        lead = f"{name}里说的" if name else ""
        return f"{opener}{lead}“{fact.left}”{rng.choice(fact.qwords)}？", "defined"
    qword = rng.choice(fact.qwords)
    left, right = _colloquial(fact.left, rng), _colloquial(fact.right, rng)
    if fact.type == "yesno":
        body = (
            f"{left}{qword}{right}"
            if rng.random() < 0.7
            else f"{left}{right}，{rng.choice(('行不行', '可以吗'))}"
        )
    else:
        body = f"{left}{qword}{right}"
    body = body.strip("，；：、 ")
    prefix = _name_prefix(name, rng) if name else ""
    end = "？" if body.endswith(("吗", "行不行")) else rng.choice(("？", "？", "呢？"))
    return f"{opener}{prefix}{body}{end}", f"{fact.template}:{qword}"


def _realize(fact: AskableFact, names: DocNames, rng: random.Random) -> GeneratedQuestion:
    wanted = rng.choices([f for f, _ in NAME_FORMS], weights=[w for _, w in NAME_FORMS])[0]
    if wanted == "dropped" and (not fact.droppable or fact.whole):
        wanted = "formal"
    form, name = _pick_name(names, wanted, rng)
    question, template = _word(fact, name, rng)
    return GeneratedQuestion(
        "", fact.type, question, fact.answers, fact.keys, fact.doc, "", fact.start, fact.end, form, template
    )


# ---------------------------------------------------------------- unanswerable swaps


@dataclass(frozen=True, slots=True)
class _World:
    """What the corpus holds, to choose constraints it does not."""

    titles: tuple[str, ...]
    texts: tuple[str, ...]
    years: dict[str, frozenset[str]]  # formal name with the year blanked → years present
    provinces: tuple[str, ...]
    documents: tuple[str, ...]
    subjects: tuple[tuple[str, str], ...]


def _world(docs: Sequence[SourceDoc], names: dict[str, DocNames]) -> _World:
    titles = tuple(re.sub(r"[\s\u3000]+", "", d.meta.title) for d in docs)
    texts = tuple(d.text for d in docs)
    years: dict[str, set[str]] = defaultdict(set)
    for n in names.values():
        if n.year:
            years[n.formal.replace(n.year, "{y}")].add(n.year)
    # A region counts as held when a title or a document's opening names it (山西 in an article's lead).
    heads = [t + d.text[:400] for t, d in zip(titles, docs, strict=True)]
    provinces = tuple(p for p in PROVINCES if not any(p[:2] in h for h in heads))
    documents = tuple(d for d in ABSENT_DOCUMENTS if not any(d in t or t.endswith(d) for t in titles))
    subjects = tuple((p, a) for p, a in ABSENT_SUBJECTS if absent([a], texts))
    return _World(titles, texts, {k: frozenset(v) for k, v in years.items()}, provinces, documents, subjects)


def _swap(kind: str, q: GeneratedQuestion, fact: AskableFact, names: DocNames, world: _World,
          rng: random.Random) -> GeneratedQuestion | None:  # fmt: skip
    """An unanswerable twin of ``q`` with one constraint the corpus does not hold, or None."""
    unanswerable = replace(q, type="none", answers=(REFUSAL,), keys=(), doc="", evidence="", start=-1,
                           end=-1, swap=kind, base_id=q.id)  # fmt: skip
    if kind == "year" and names.year:
        present = world.years.get(names.formal.replace(names.year, "{y}"), frozenset())
        y = int(names.year)
        choices = [str(c) for c in (y - 2, y - 1, y + 1, y + 2) if str(c) not in present]
        if not choices:
            return None
        year = rng.choice(choices)
        name = (
            rng.choice((names.formal, *names.loose))
            .replace(names.year, year)
            .replace(names.year[2:], year[2:])
        )
        question, _ = _word(fact, name, rng)
        return replace(unanswerable, question=question, swapped_in=f"{year}年", name_form="swapped")
    if kind == "region" and names.region and world.provinces:
        region = rng.choice(world.provinces)
        name = names.formal.replace(names.region, region)
        question, _ = _word(fact, name, rng)
        return replace(unanswerable, question=question, swapped_in=region, name_form="swapped")
    if kind == "document" and world.documents and not fact.whole:
        document = rng.choice(world.documents)
        question, _ = _word(fact, document, rng)
        return replace(unanswerable, question=question, swapped_in=document, name_form="swapped")
    if kind == "subject" and not fact.whole:
        fits = [(p, a) for p, a in world.subjects if p in fact.left + fact.right]
        if not fits:
            return None
        held, stand_in = rng.choice(fits)
        swapped = replace(
            fact, left=fact.left.replace(held, stand_in), right=fact.right.replace(held, stand_in)
        )
        question, _ = _word(swapped, names.formal if q.name_form != "dropped" else "", rng)
        return replace(unanswerable, question=question, swapped_in=stand_in)
    if (
        kind == "unit"
        and fact.type == "number"
        and fact.unit in _UNIT_SWAP
        and not re.search(r"\d元|[十百千万]元|资金|经费", fact.left + fact.right)
    ):
        money = replace(fact, qwords=("多少钱", "多少元"))
        question, _ = _word(money, names.formal, rng)
        return replace(unanswerable, question=question, swapped_in="元")
    return None


# ---------------------------------------------------------------- the set


def _balanced(groups: dict[str, list[Any]], n: int) -> list[Any]:
    """Round-robin over the groups (sorted by name) until ``n`` are taken: every type is represented."""
    queues = {k: list(v) for k, v in sorted(groups.items())}
    out: list[Any] = []
    while len(out) < n and any(queues.values()):
        for key in list(queues):
            if queues[key] and len(out) < n:
                out.append(queues[key].pop(0))
    return out


def generate(
    docs: Sequence[SourceDoc], n: int = 2000, seed: int = 13, unanswerable_share: float = 0.2
) -> list[GeneratedQuestion]:
    """``n`` questions (about ``unanswerable_share`` of them unanswerable) from ``docs``, seeded."""
    if n < 1:
        raise GoldSetError(f"题目数 -n 至少为 1；收到 {n}")
    if not 0 <= unanswerable_share < 1:
        raise GoldSetError(
            f"不可回答题目的比例 --unanswerable 应在 0 到 1 之间（不含 1）；收到 {unanswerable_share}"
        )
    rng = random.Random(seed)
    docs = sorted(docs, key=lambda d: d.source)
    names = {d.source: doc_names(d.meta.title or Path(d.source).stem) for d in docs}
    texts = [d.text for d in docs]
    words = default_tokenizer()
    by_type: dict[str, list[AskableFact]] = defaultdict(list)
    for i, doc in enumerate(docs):
        others = texts[:i] + texts[i + 1 :]
        for fact in document_facts(doc, others, words):
            by_type[fact.type].append(fact)
    for facts in by_type.values():
        rng.shuffle(facts)
    n_none = round(n * unanswerable_share)
    # Types are taken in turn; a type with few facts asks them again in other wordings (up to
    # MAX_WORDINGS each), so rare types (number, deadline) are not drowned by enumerations.
    rounds = {t: [f for _ in range(MAX_WORDINGS) for f in fs] for t, fs in by_type.items()}
    chosen = _balanced(rounds, n - n_none)
    questions: list[GeneratedQuestion] = []
    seen: set[str] = set()
    pairs: list[tuple[GeneratedQuestion, AskableFact]] = []
    for fact in chosen:
        for _ in range(3):  # another wording when this one was already drawn
            q = _realize(fact, names[fact.doc], rng)
            if q.question not in seen:
                break
        if q.question in seen:
            continue
        seen.add(q.question)
        text = next(d.text for d in docs if d.source == fact.doc)
        q = replace(q, id=f"gen-{len(questions) + 1:05d}", evidence=text[fact.start : fact.end])
        questions.append(q)
        pairs.append((q, fact))
    world = _world(docs, names)
    swaps: dict[str, list[GeneratedQuestion]] = defaultdict(list)
    order = list(pairs)
    rng.shuffle(order)
    for kind in SWAP_KINDS:
        for q, fact in order:
            made = _swap(kind, q, fact, names[fact.doc], world, rng)
            if made is not None and made.question not in seen:
                seen.add(made.question)
                swaps[kind].append(made)
            if len(swaps[kind]) >= n_none:
                break
    nones = _balanced(swaps, n_none)
    numbered = [replace(q, id=f"gen-{len(questions) + i + 1:05d}") for i, q in enumerate(nones)]
    return questions + numbered


def load_documents(paths: Sequence[Path]) -> list[SourceDoc]:
    """The documents under ``paths`` as the loader reads them; unreadable files are named in the error."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise GoldSetError(f"找不到文件或文件夹：{'、'.join(missing)}")
    docs, failures = load_paths(paths)
    if failures:
        raise GoldSetError("; ".join(f.reason for f in failures))
    if not docs:
        raise GoldSetError(f"{'、'.join(map(str, paths))} 中没有可读的文件（.txt .md .html .docx .pdf）")
    return docs


def generate_from_paths(paths: Sequence[Path], n: int = 2000, seed: int = 13,
                        unanswerable_share: float = 0.2) -> list[GeneratedQuestion]:  # fmt: skip
    return generate(load_documents(paths), n, seed, unanswerable_share)


def write_jsonl(questions: Iterable[GeneratedQuestion], path: Path) -> int:
    """Write the gold JSONL ``eval score`` reads; returns the number of rows."""
    rows = [q.to_row() for q in questions]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)
