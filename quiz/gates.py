"""Quality gates (质量把关): each returns None when the item passes, else the reason to drop it.

Static gates look only at the item and its sentence; :func:`assistant_gate` asks the answer engine
the stem and keeps the item only when it cites the same passage and agrees with the key. The trainer
gates (:data:`TRAINER_GATES`, 培训师标准) hold the rules a trainer reviews by: whole-sentence stems, blanks
that are whole phrases, distractors of the key's own category, and judge items on a point that matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from corpus.normalize import normalize_text
from quiz.facts import MODALITIES, WordSplitter, extract_facts
from quiz.numerals import CN_NUMERAL_CHARS
from quiz.types import BLANK, QuizItem

if TYPE_CHECKING:
    from assistant import Answer, Assistant


def _norm(text: str) -> str:
    return normalize_text(text).replace(" ", "")


def key_texts(item: QuizItem) -> list[str]:
    """What a reader must not find in the stem: the keyed option texts, or the blanked words."""
    if item.type == "blank":
        return list(item.answer)
    if item.type == "judge":
        return []
    return item.keyed_options()


def reveals_key(item: QuizItem) -> str | None:
    stem = _norm(item.stem)
    if any(_norm(k) in stem for k in key_texts(item) if k):
        return "reveals_key"
    return None


def ambiguous_key(item: QuizItem) -> str | None:
    """The key must occur once in its sentence, or the blank could be either place."""
    quote = item.citation.quote
    keys = key_texts(item) or [item.key_text]
    if any(k and quote.count(k) != 1 for k in keys):
        return "ambiguous_key"
    if item.type != "judge" and len(set(item.options)) != len(item.options):
        return "ambiguous_key"
    return None


def stem_shape(item: QuizItem) -> str | None:
    """A blanked item needs exactly one blank; a judgement none."""
    blanks = item.stem.count(BLANK)
    if (item.type == "judge") != (blanks == 0) or blanks > 1:
        return "ambiguous_key"
    return None


STATIC_GATES = (stem_shape, reveals_key, ambiguous_key)


def static_check(item: QuizItem) -> str | None:
    for gate in STATIC_GATES:
        reason = gate(item)
        if reason:
            return reason
    return None


class Deduplicator:
    """Drops an item whose stem, or whose sentence and key, another kept item already has."""

    def __init__(self) -> None:
        self._stems: set[str] = set()
        self._facts: set[tuple[str, int, str, str]] = set()

    def check(self, item: QuizItem) -> str | None:
        stem = _norm(item.stem)
        fact = (item.citation.source, item.citation.start, item.type, item.key_text)
        if stem in self._stems or fact in self._facts:
            return "duplicate"
        return None

    def add(self, item: QuizItem) -> None:
        self._stems.add(_norm(item.stem))
        self._facts.add((item.citation.source, item.citation.start, item.type, item.key_text))


def cites_passage(answer: Answer, item: QuizItem) -> bool:
    """True when one of the answer's citations overlaps the item's cited sentence."""
    c = item.citation
    return any(
        (x.source == c.source or (c.doc_id and x.doc_id == c.doc_id)) and x.start < c.end and c.start < x.end
        for x in answer.citations
    )


def agrees(answer: Answer, item: QuizItem) -> bool:
    """True when the answer states the key (for a false judgement: the true value it replaced)."""
    said = _norm(" ".join(t for t in (answer.short_answer or "", answer.answer) if t))
    keys = item.keyed_options() if item.type == "multi" else [item.key_text or item.answer_text]
    return all(_norm(k) in said for k in keys if k)


def assistant_gate(assistant: Assistant, item: QuizItem) -> str | None:
    answer = assistant.ask(item.question or item.stem)
    if not answer.found:
        return "assistant_not_found"
    if not cites_passage(answer, item):
        return "assistant_other_passage"
    if not agrees(answer, item):
        return "assistant_disagrees"
    return None


# -- trainer gates (培训师标准) ----------------------------------------------------------------------------
STEM_ENDS = ("。", "？", "！", "：")
MULTI_ASK = "下列属于括号中所列内容的有："
_PREFIX = re.compile(r"^根据《[^》]*》[^，]*，")
_NUMERAL = set("0123456789.%％" + CN_NUMERAL_CHARS)
_UNIT_STARTS = tuple("个万亿元亩吨岁周日天年月倍人户座项次名家所%％千百十分")
# Verbs that govern what follows them in policy text (谓语): a blank must take such a verb with its
# whole object or leave both outside, never keep the verb and blank half of the object or the reverse.
_VERB_WORDS = (
    "引导 鼓励 支持 加强 完善 健全 建立 推进 推动 促进 落实 实施 开展 组织 保障 提高 坚持 发展 构建 监督 督促 "
    "指导 协调 扶持 培育 规范 深化 加快 强化 优化 巩固 拓展 提升 扩大 增强 探索 创新 制定 做好 统筹 确保 "
    "实行 推行 建设 保护 管理 严格 依法 防止 打击 整治 破除 补强 夯实 激发 带动 吸引 承担 负责 履行"
)
GOVERNING_VERBS = frozenset(_VERB_WORDS.split())
_NORMATIVE = (
    "应当", "应", "可以", "不得", "必须", "禁止", "严禁", "须", "有权", "确保", "力争", "不少于", "不超过",
    "不低于", "不高于", "以上", "以下", "以内", "之内", "施行", "达到", "提高到", "控制在", "稳定在", "保持在",
)  # fmt: skip
JUDGE_POINTS = ("number", "period", "date", "body", "modality")
_BODY_ENDS = (
    "部门",
    "人民政府",
    "委员会",
    "大会",
    "理事会",
    "监事会",
    "法院",
    "检察院",
    "办事处",
    "国务院",
    "机关",
)
_FILLER = set("的和与及或、等之在对")


def stem_body(item: QuizItem) -> str:
    """The document words a stem quotes: without the 根据《…》第X条， lead and the 多选 question."""
    return _PREFIX.sub("", item.stem).split(MULTI_ASK)[0]


def whole_stem(item: QuizItem) -> str | None:
    """规则一: a stem is a whole sentence (or a whole sub-sentence), never cut with an ellipsis."""
    if "…" in item.stem or "..." in item.stem:
        return "cut_stem"
    if not stem_body(item).rstrip().endswith(STEM_ENDS) and not item.stem.endswith(MULTI_ASK):
        return "cut_stem"
    return None


def blank_span(item: QuizItem) -> tuple[int, int] | None:
    """Where the blanked words stand in the cited sentence, or None for an item without a blank."""
    if BLANK not in item.stem:
        return None
    quote = item.citation.quote
    if item.type == "multi":
        listed = [x for x in (item.key_text or "、".join(item.keyed_options())).split("、") if x]
        start = quote.find(listed[0]) if listed else -1
        end = quote.find(listed[-1], start) + len(listed[-1]) if start >= 0 else -1
        return (start, end) if 0 <= start < end else None
    key = item.answer[0] if item.type == "blank" else (item.keyed_options() or [""])[0]
    start = quote.find(key) if key else -1
    return (start, start + len(key)) if start >= 0 else None


def _boundaries(text: str, words: WordSplitter) -> set[int] | None:
    """Offsets in ``text`` where a word starts or ends (the splitter drops punctuation and normalizes
    width, so its words are found in order in the normalized text, which keeps the offsets)."""
    norm = normalize_text(text)
    if len(norm) != len(text):
        return None  # normalization moved offsets: no reliable boundaries
    out, at = {0, len(text)}, 0
    for w in words.words(text):
        found = norm.find(w, at)
        if found < 0:
            return None
        for i in range(at, found):  # dropped characters (punctuation) stand alone
            out |= {i, i + 1}
        out |= {found, found + len(w)}
        at = found + len(w)
    return out


def _verb_split(blanked: str, after: str, words: WordSplitter) -> bool:
    """True when the blank holds a governing verb and part of its object, or a verb without its object."""
    pieces = [w for w in words.words(blanked) if w.strip()]
    if not pieces:
        return False
    first_items = [words.words(x)[0] for x in blanked.split("、") if x]
    lead_verb = pieces[0] in GOVERNING_VERBS and len(pieces) > 1
    # 引导企业、农民合作社: the verb governs the whole list, so blanking it with the first item splits it
    if lead_verb and (len(first_items) == 1 or not all(w in GOVERNING_VERBS for w in first_items)):
        return True
    tail = after[:1]
    return pieces[-1] in GOVERNING_VERBS and bool(tail) and tail not in "，。；：、,;:！？"


def whole_phrase(item: QuizItem, words: WordSplitter) -> str | None:
    """规则二: a blank is a whole phrase: it starts and ends on word boundaries, keeps a number with
    its unit, and never parts a verb from its object."""
    span = blank_span(item)
    if span is None:
        return None if BLANK not in item.stem else "split_phrase"
    quote = item.citation.quote
    start, end = span
    blanked, before, after = quote[start:end], quote[:start], quote[end:]
    # Figures and dates are whole by their own parse (number + unit); jieba glues 1日起 or 3倍以下, so
    # word boundaries judge only the other blanks (bodies, terms, listed items).
    figure = category(blanked)[0] in ("number", "date", "period", "age")
    bounds = None if figure else _boundaries(quote, words)
    if bounds is not None and not (start in bounds and end in bounds):
        return "split_phrase"
    if before[-1:] in _NUMERAL:  # 1倍以上（　　）: the blank took the unit and left the figure
        return "split_phrase"
    if blanked[-1:] in _NUMERAL and (after[:1] in _NUMERAL or after.startswith(_UNIT_STARTS)):
        return "split_phrase"
    if _verb_split(blanked, after, words):
        return "split_phrase"
    return None


def category(text: str) -> tuple[str, str, float | None]:
    """What kind of value an option is (类别): (kind, unit or group, value).

    ages (周岁), figures by unit, periods by unit, dates by granularity, bodies by what they end in
    (部门 / 人民政府 / 委员会 …), quoted terms; anything else is ("other", "", None).
    """
    if text in MODALITIES:
        return ("modality", "", None)
    if text.endswith(_BODY_ENDS):
        return ("body", next(e for e in _BODY_ENDS if text.endswith(e)), None)
    # A body is a fact only before a duty verb (quiz.facts); options stand alone, so lend them one.
    whole = [f for f in extract_facts(text + "。") if f.start == 0 and f.end == len(text)]
    if not whole:
        return ("other", "", None)
    f = whole[0]
    if f.kind == "number" and f.unit in ("周岁", "岁"):
        return ("age", "岁", f.value)
    unit = f.unit
    if f.kind == "period":
        unit = next(
            (u for u in ("个工作日", "工作日", "个月", "日", "天", "周", "年") if unit.startswith(u)), unit
        )
    return (f.kind, unit, f.value)


def _same_category(key: str, other: str) -> bool:
    k, o = category(key), category(other)
    if k[:2] != o[:2]:
        return False
    if k[2] is not None and o[2] is not None:
        if k[2] == o[2]:
            return False  # 三 and 3: the same value written twice is no distractor
        if k[0] in ("number", "period", "age") and k[2] > 0 and not 0.1 <= o[2] / k[2] <= 10:
            return False  # another scale: 3 and 3000 亿斤 are not a fair choice
        if k[0] == "date" and abs(o[2] - k[2]) > 15:
            return False
    return _norm(key) != _norm(other)


def related(option: str, listed: Sequence[str]) -> bool:
    """A list distractor on the list's topic: it shares a two-character word-piece with a listed item
    (精准培训 ~ 精准识别) or ends like one of the same length (清单制 ~ 积分制); one shared character
    (人工智能 ~ 不能腐) is chance, not topic."""
    if option[:2] in GOVERNING_VERBS and not any(x[:2] in GOVERNING_VERBS for x in listed):
        return False  # 推进水 among 能源、交通: a clause torn from another list, not a listed thing
    pairs = {x[i : i + 2] for x in listed for i in range(len(x) - 1)}
    pairs = {p for p in pairs if not set(p) & _FILLER}
    if any(option[i : i + 2] in pairs for i in range(len(option) - 1)):
        return True
    return any(len(x) == len(option) and x[-1] == option[-1] for x in listed)


def shown_value(item: QuizItem) -> str:
    """The value a false 判断 statement shows in place of the key (from its explanation)."""
    m = re.search(r"而不是“([^”]*)”", item.explanation)
    return m.group(1) if m else ""


def same_category(item: QuizItem) -> str | None:
    """规则三: every distractor is of the key's category (ages with ages, bodies with bodies, figures of
    the same unit and scale, dates with dates) and never the key's value; list distractors share words
    with the listed items (not an unrelated topic)."""
    if item.type == "single":
        key = item.keyed_options()[0]
        wrong = [o for o in item.options if o != key]
        return None if all(_same_category(key, o) for o in wrong) else "off_category"
    if item.type == "judge" and item.answer == ("B",):
        shown = shown_value(item)
        return None if shown and _same_category(item.key_text, shown) else "off_category"
    if item.type == "multi":
        listed = (item.key_text or "、".join(item.keyed_options())).split("、")
        wrong = [o for o in item.options if o not in item.keyed_options()]
        return None if all(related(o, listed) for o in wrong) else "off_category"
    return None


def judge_point(item: QuizItem) -> str | None:
    """规则四: a 判断 item tests a point that matters — a figure of a rule or target, a deadline, a date,
    the responsible body or the modality (应当/可以/不得) — in a statement short enough to see it, not a
    copy of a line of statistics."""
    if item.type != "judge":
        return None
    if item.fact_kind not in JUDGE_POINTS:
        return "trivial_judge"
    body = stem_body(item)
    figures = [f for f in extract_facts(body) if f.kind in ("number", "period", "date")]
    if len(figures) > 2:
        return "trivial_judge"  # one figure among many: memory of a statistics line, not a rule
    if item.fact_kind == "number" and not any(w in body for w in _NORMATIVE):
        return "trivial_judge"
    return None


TRAINER_GATES: tuple[tuple[str, Callable[..., str | None]], ...] = (
    ("whole_stem", whole_stem),
    ("whole_phrase", whole_phrase),
    ("same_category", same_category),
    ("judge_point", judge_point),
)


def trainer_check(item: QuizItem, words: WordSplitter) -> str | None:
    """The first trainer rule ``item`` breaks, or None."""
    for name, gate in TRAINER_GATES:
        reason = gate(item, words) if name == "whole_phrase" else gate(item)
        if reason:
            return reason
    return None


def pass_rates(items: Sequence[QuizItem], words: WordSplitter) -> dict[str, tuple[int, int]]:
    """Per trainer gate: (items passing, items the gate applies to) — the figures of the 50-item review."""
    applies = {
        "whole_stem": lambda i: True,
        "whole_phrase": lambda i: BLANK in i.stem,
        "same_category": lambda i: (
            i.type in ("single", "multi") or (i.type == "judge" and i.answer == ("B",))
        ),
        "judge_point": lambda i: i.type == "judge",
    }
    out: dict[str, tuple[int, int]] = {}
    for name, gate in TRAINER_GATES:
        scope = [i for i in items if applies[name](i)]
        ok = [i for i in scope if (gate(i, words) if name == "whole_phrase" else gate(i)) is None]
        out[name] = (len(ok), len(scope))
    return out
