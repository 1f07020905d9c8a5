"""Askable facts (可问的事实) of the generated question sets: where in a sentence a question can be asked.

The quiz fact extractor finds numbers with units, dates, periods, responsible bodies, defined terms and
enumerations; 不得/可以 clauses give yes/no questions. Each becomes an :class:`AskableFact`: the words
left and right of the fact in its clause (the question body), the question words that can stand in
its place, the gold answer and keys, and the evidence span (exact offsets into the document text).
A fact whose surrounding words occur twice in its document is left out (the question would be
ambiguous); one whose words occur in no other document may be asked without naming the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.sentences import split_line
from corpus.structure import analyse
from corpus.tokenize import Tokenizer
from corpus.types import SourceDoc
from quiz import extract_enumerations, extract_facts

__all__ = ["MONEY", "AskableFact", "document_facts"]

_CLAUSE_END = "，；：。！？"
_MAX_BODY = 48
MONEY = ("元", "万元", "亿元", "万亿元")
# Article and item numbers that open a clause (第十三条 , （五）, 3.): never part of a question.
_MARKER = re.compile(
    r"^(?:第[零〇一二三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?[ \u3000]*"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）][ \u3000]*|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．](?!\d)[ \u3000]*)"
)
_JOINERS = "、和及与"
_BEFORE_BODY = "由报向经将对在按予给是请交为从"  # words that may stand right before a body's name


@dataclass(frozen=True, slots=True)
class AskableFact:
    """An answerable fact before it is worded: the question body around the question word."""

    type: str
    left: str
    qwords: tuple[str, ...]
    right: str
    answers: tuple[str, ...]
    keys: tuple[str, ...]
    doc: str
    start: int
    end: int
    droppable: bool  # the clause is unique to its document, so the question needs no name
    template: str
    unit: str = ""
    whole: str = ""  # a question that is complete without a body (…什么时候开始施行？)


def _sentences(doc: SourceDoc) -> Iterable[tuple[int, int]]:
    for line in analyse(doc.text, doc.skip):
        for s, e in split_line(doc.text, line.start, line.end):
            marker = _MARKER.match(doc.text[s:e])  # 第七条 本条例自…: the evidence starts after the number
            yield (s + marker.end() if marker else s), e


def _clause(text: str, s: int, e: int, a: int, b: int) -> tuple[int, int]:
    """The clause of sentence ``[s, e)`` holding ``[a, b)``, with the clause before it when the fact
    opens its clause (so the question keeps some context)."""
    cs = max((i + 1 for i in range(s, a) if text[i] in _CLAUSE_END), default=s)
    ce = next((i for i in range(b, e) if text[i] in _CLAUSE_END), e)
    if a - cs < 4 and cs > s:
        cs = max((i + 1 for i in range(s, cs - 1) if text[i] in _CLAUSE_END), default=s)
    marker = _MARKER.match(text[cs:a])
    return (cs + marker.end() if marker else cs), ce


def _unique_anchor(left: str, right: str, text: str, others: Sequence[str]) -> tuple[bool, bool]:
    """(unique in the document, unique in the corpus) for the words around the fact."""
    anchors = [w for w in (left[-10:], right[:10]) if len(w) >= 4]
    in_doc = any(text.count(w) == 1 for w in anchors)
    in_corpus = in_doc and any(text.count(w) == 1 and not any(w in o for o in others) for w in anchors)
    return in_doc, in_corpus


def _number_words(unit: str, sentence: str, value: float | None) -> tuple[str, ...]:
    if unit in MONEY:
        words = ["多少钱", f"多少{unit}"]
        if "补" in sentence or "奖" in sentence:
            words.append("补多少")
        return tuple(words)
    if unit in ("%", "％", "百分之"):
        return ("百分之多少", "多少")
    if unit == "分之":
        return ("几分之几",)
    if unit in ("人", "名") and value is not None and value <= 10:
        return (f"几{unit}", f"多少{unit}", "几个人")
    return (f"多少{unit}", "多少")


def _period_words(unit: str) -> tuple[str, ...]:
    m = re.match(r"(个工作日|个月|工作日|日|天|周|年)(.*)", unit)
    base, suffix = (m.group(1), m.group(2)) if m else (unit, "")
    spoken = "天" if base == "日" else base
    words = [f"几{base}{suffix}", f"多少{spoken}{suffix}", f"多长时间{suffix}"]
    if suffix in ("内", "以内", "之内", "前", "以前"):
        words.append(f"最晚几{spoken}{suffix}")
    return tuple(dict.fromkeys(words))


def _facts_of_sentence(
    doc: SourceDoc, s: int, e: int, others: Sequence[str], words: Tokenizer | None = None
) -> list[AskableFact]:
    text, sent = doc.text, doc.text[s:e]
    out: list[AskableFact] = []

    def add(kind: str, a: int, b: int, qwords: tuple[str, ...], answer: str, keys: Sequence[str],
            template: str, unit: str = "") -> None:  # fmt: skip
        cs, ce = _clause(text, s, e, a, b)
        left, right = text[cs:a].strip(" \u3000"), text[b:ce].strip(" \u3000")
        if ce - cs > _MAX_BODY or len(left) + len(right) < 6:
            return
        in_doc, in_corpus = _unique_anchor(left, right, text, others)
        if not in_doc:
            return  # the same words around another fact of the document: ambiguous
        ev_s, ev_e = (cs, ce) if ce - cs >= 12 else (s, e)
        out.append(AskableFact(kind, left, qwords, right, (answer,), tuple(keys), doc.source, ev_s, ev_e,
                         in_corpus, template, unit))  # fmt: skip

    for f in extract_facts(sent):
        a, b = s + f.start, s + f.end
        if f.kind == "number":
            add("number", a, b, _number_words(f.unit, sent, f.value), f.text, [f.text], "number", f.unit)
        elif f.kind == "period":
            add("deadline", a, b, _period_words(f.unit), f.text, [f.text], "period")
        elif f.kind == "date":
            if f.unit == "ymd" and re.search(r"起施行|起实施", sent[f.end : f.end + 6]):
                out.append(AskableFact("deadline", "", (), "", (f.text,), (f.text,), doc.source, s, e, False,
                                 "in-force", whole="in-force"))  # fmt: skip
                continue
            when = ("哪一年", "哪年") if f.unit == "y" else ("什么时候", "啥时候", "哪天")
            add("deadline", a, b, when, f.text, [f.text], "date")
        elif f.kind == "body":
            gov = "人民政府" in f.text and "部门" not in f.text
            asked = ("哪一级政府", "谁", "哪级政府") if gov else ("哪个部门", "谁", "哪个单位")
            if text[a - 1] in _JOINERS or text[b] in _JOINERS:
                continue  # one of several bodies (县级人民政府和乡镇人民政府): asking 谁 is ambiguous
            if "\u4e00" <= text[a - 1] <= "\u9fff" and text[a - 1] not in _BEFORE_BODY:
                continue  # the tail of a longer name (贫困县人民政府, 省辖市人民政府)
            add("procedure", a, b, asked, f.text, [f.text], "body")
        elif f.kind == "term" and f.unit == "defined":
            m = re.search(r"(?:是指|指)(.{4,80}?)[。；]?$", sent[f.end :])
            if m:
                definition = m.group(1)
                out.append(AskableFact("definition", f.text, ("是指什么", "指的是啥", "是什么意思"), "",
                                 (definition,), (definition[:12],), doc.source, s, e, True, "defined",
                                 whole="defined"))  # fmt: skip
    for en in extract_enumerations(sent, words):
        a, b = s + en.start, s + en.end
        if text[b : b + 1] == "等":
            b += 1  # 退耕还林、水土保持等 → 哪些
        cs, _ = _clause(text, s, e, a, b)
        around = text[cs:a] + text[b : b + 4]
        kind = (
            "classification"
            if re.search(r"分为|划分|分成|分类|类别|[几两三四五六七八九十\d][类种]", around)
            else "list"
        )
        if kind == "classification":
            asked = ("哪几类", "哪几种", "哪些")
        elif text[b : b + 1] == "的":
            asked = ("哪些方面", "哪几个方面", "哪些")
        else:
            asked = ("哪些", "哪几项", "哪几样")
        add(kind, a, b, asked, text[a : s + en.end], en.items, "enumeration")
    for m in re.finditer(r"不得|可以", sent):
        a, b = s + m.start(), s + m.end()
        cs, ce = _clause(text, s, e, a, b)
        subject, action = text[cs:a], text[b:ce]
        marker = _MARKER.match(subject)
        subject = subject[marker.end() :] if marker else subject
        if len(action) < 4 or len(subject) > 20 or ce - cs > _MAX_BODY or text.count(action) != 1:
            continue
        negative = m.group(0) == "不得"
        answers = ("不能", "不得" + action) if negative else ("可以", "允许")
        ev_s, ev_e = (cs, ce) if ce - cs >= 12 else (s, e)
        unique = not any(action in o for o in others)
        out.append(AskableFact("yesno", subject, ("能不能", "可不可以", "是不是可以"), action, answers,
                         (m.group(0),), doc.source, ev_s, ev_e, unique and len(subject) >= 2,
                         "forbidden" if negative else "allowed"))  # fmt: skip
    return out


def document_facts(
    doc: SourceDoc, others: Sequence[str], words: Tokenizer | None = None
) -> list[AskableFact]:
    """Every askable fact of ``doc``, in document order; ``others`` are the other documents' texts."""
    return [f for s, e in _sentences(doc) for f in _facts_of_sentence(doc, s, e, others, words)]
