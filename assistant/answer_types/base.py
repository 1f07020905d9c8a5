"""What every answer type (题型) is: its question cues and how it reads, picks and states an answer.

One :class:`AnswerType` object per type, each in its own module of this package; the registry
(:mod:`assistant.answer_types.registry`) classifies questions by their cues. Everything downstream
(reader, composition) asks the type object of a question, never compares type names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from assistant.extract import Span


@dataclass(frozen=True, slots=True)
class Cue:
    """A question pattern that marks a type (问题线索). The cues of all types are tried in ``order``,
    lowest first, and the first that matches decides; ``unless`` vetoes a match."""

    order: int
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def matches(self, question: str) -> bool:
        return bool(self.pattern.search(question)) and not (self.unless and self.unless.search(question))


# 个 is the general measure word: 几个监事 is answered by 一至二名, 多少个车间 by 1000家. People are
# counted in 人, 名 and 位 alike.
_PEOPLE = ("人", "名", "位")
_COUNTED = ("个", *_PEOPLE, "家", "户", "座", "所", "项", "条", "类", "批", "处", "支", "种", "次")
COUNTED = frozenset(_COUNTED)  # units of things counted (多少人, 几户), as opposed to sums and periods
_DAYS = ("天", "日")  # 多少天 is answered by 十日内
UNIT_FORMS: dict[str, tuple[str, ...]] = {
    "钱": ("元", "万元", "亿元"),
    "块": ("元",),
    "元": ("元",),
    "万元": ("元",),  # 超过多少万元: 5万元 and 50000元 both state it
    "亿元": ("元",),
    "个": _COUNTED,
    # 个 is the general measure word in answers too: 几条公路 is answered by 三个一号旅游公路. People and
    # households are not (几户 is not answered by 三个村).
    **{u: (u, "个") for u in ("座", "所", "项", "条", "类", "批", "处", "支", "种")},
    **dict.fromkeys(_PEOPLE, _PEOPLE),
    **dict.fromkeys(_DAYS, _DAYS),
    "方": ("立方米", "方"),
    "立方米": ("立方米", "方"),
    "回": ("次", "回"),
    "平方米": ("平方米", "平方公里", "亩", "公顷", "㎡"),  # an area asked (多少平, 宅基地多大)
    "米": ("米", "公里", "千米", "厘米"),  # a length asked (两边多宽, 离河多远, 留几米)
    **dict.fromkeys(("公里", "千米"), ("公里", "千米")),
    "公斤": ("公斤", "千克"),  # weights and class hours asked (添加多少毫克, 培训多少学时)
    "千克": ("千克", "公斤"),
    "学时": ("学时", "课时"),
    "课时": ("课时", "学时"),
    "号码": ("",),  # a telephone number: every run of digits Number.spans finds states one
    "尺寸": ("米", "厘米", "毫米", "平方米", "㎡"),  # a size asked (公开栏得做多大): lengths or an area
    "比例": ("%", "％", "分之", "成"),  # a share asked (百分之多少, 占多少比例): 5%, 三分之一, 两成
}


class AnswerType:
    """One kind of question and the answer it wants (题型). Subclasses override what differs.

    ``clause_fallback``: with no typed span, the clause that matches the question best is the short
    answer (是什么 → the clause after its copula). ``lead_chars``: a short answer up to this long leads
    the answer text ("5479座。…"); ``None``: it never leads (an enumeration is read in its clause).
    ``gathers_items``: a sentence announcing a list is read with the (一)(二)… items that follow it.
    """

    name: ClassVar[str] = ""
    labels: ClassVar[tuple[str, ...]] = ()  # other names gold sets give this type (题型 labels such as 数字)
    cues: ClassVar[tuple[Cue, ...]] = ()
    clause_fallback: ClassVar[bool] = False
    lead_chars: ClassVar[int | None] = None
    # Whether a lead-in sentence (…包括： / 下列…：) is read together with the numbered items after it.
    gathers_items: ClassVar[bool] = False
    # Whether, among sentences scoring about as well, the one naming the question's own subject wins
    # over a broad one (县级以上人民政府应当…): who, when and may-I questions want the specific clause.
    prefers_specific: ClassVar[bool] = False
    # How much the type's fit counts in a sentence's score, relative to AnswerPolicy.fit_weight.
    fit_gain: ClassVar[float] = 1.0
    # Whether every clause of a lead-in sentence that holds a fitting span rules its items (逾期不改正的，
    # 对个人处…罚款；…：（一）挖坑取土…): a figure is asked of the deed an item names. To who / when /
    # may-I questions a penalty clause is no answer, whatever its items say.
    clauses_rule_items: ClassVar[bool] = False
    # Whether the question asks for a figure or a date (多少, 几天, 什么时候): 今年 / 明年 then name the year
    # it is asked of (assistant.constraints.unstated_year).
    asks_figure: ClassVar[bool] = False
    # Whether a clause stating a case (…的，) is answered by the rule after it: to 申请临时救助咋办, the clause
    # 申请临时救助的 repeats the question, and 应当向乡镇人民政府、街道办事处提出… is what a cadre does.
    answers_with_rule: ClassVar[bool] = False
    # Whether the answer is a verdict (能 / 不能): one read off a clause on a neighbouring matter looks as sure
    # as a right one, so the gate must be surer (AnswerPolicy.verdict_answerable_probability).
    gives_verdict: ClassVar[bool] = False
    # Whether the answer names who handles something (谁审批, 去哪个部门申请): an act the question asks who does
    # must then be stated by the lead quote (assistant.asked_values.unstated_act).
    names_who_acts: ClassVar[bool] = False

    def reads_lead_in(self, lead_in: str) -> bool:
        """Whether a numbered item is read from this lead-in on (…禁止下列行为：（一）上坟烧纸…): when the
        lead-in says what holds of its items, the item is quoted with it as one span (if that fits in
        AnswerPolicy.max_answer)."""
        return False

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        """Candidate answer spans of a sentence (offsets relative to it)."""
        return []

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        """1 when the sentence holds an answer of this type, partial credit otherwise."""
        return 1.0 if spans else 0.0

    def strict(self, info: QuestionInfo) -> bool:
        """Whether only a sentence that fits may answer (a 多少钱 question needs a sum in 元)."""
        return False

    def prefers_fit(self, info: QuestionInfo) -> bool:
        """Whether a sentence that fits leads over a close better-scored one that does not, without
        refusing when none fits (“农作物病虫害”指什么: its own definition before that of 病虫害防治)."""
        return False

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        """The answer span nearest to where the question's terms occur. Of a figure stated for each of
        several parallel cases (县道…一百米、乡道…五十米、村道…二十米), the one whose own case alone names what
        the question asks of (村道) is the answer."""
        if not spans:
            return None
        if self.asks_figure and len(spans) > 1:
            named = own_case(spans, sentence, terms)
            if named is not None:
                return named
        return max(spans, key=lambda s: (proximity(s, sentence, terms), -s.start))

    def short(self, span: Span) -> str | None:
        """The short answer a span states."""
        return span.text.strip("，、；：。 ")

    def search_hint(self, info: QuestionInfo) -> str:
        """Words added to the question for retrieval only (not for scoring sentences): the wording that
        states an answer of this type (本法所称…是指 for a definition)."""
        return ""

    def broad(self, info: QuestionInfo, span: Span | None) -> bool:
        """Whether an answer span names no one in particular (县级以上人民政府): a specific rival wins."""
        return False

    def settled(self, short: str | None) -> bool:
        """Whether a short answer answers the question outright; when the best sentence's does not, the
        sentence right after it in the same passage may (…应当…审批。金额较小的，可以委托…)."""
        return True

    def leads(self, info: QuestionInfo, short: str) -> bool:
        """Whether the short answer opens the answer text, bold before the quote."""
        return self.lead_chars is not None and len(short) <= self.lead_chars

    def __repr__(self) -> str:
        return f"<AnswerType {self.name}>"


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What a question asks for (问题分析结果)."""

    text: str
    answer_type: AnswerType
    unit: str | None = None  # measure word a number answer must carry
    named_docs: tuple[str, ...] = ()  # document names as written in the question
    regions: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    expansions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def qtype(self) -> str:
        """The answer type's name, as reported in :attr:`Answer.question_type`."""
        return self.answer_type.name

    @property
    def search_text(self) -> str:
        """The question plus formal wording for its colloquial terms (retrieval only)."""
        return self.text + (" " + " ".join(self.expansions) if self.expansions else "")

    def without_named_docs(self, text: str) -> str:
        """``text`` with each document name the question gives replaced by ，: a name is no term,
        subject or year the question asks about (工资 in 工资支付条例里说的“农民工”)."""
        for name in self.named_docs:
            text = text.replace(name, "，")
        return text

    @property
    def unit_forms(self) -> tuple[str, ...]:
        if self.unit is None:
            return ()
        return UNIT_FORMS.get(self.unit, (self.unit,))


# Where a case of a parallel run ends: a clause or list break outside brackets.
_CASE_BREAKS = frozenset("，；。、：,;")
_OPENING, _CLOSING = frozenset("（(《“"), frozenset("）)》”")


def _case(span: Span, sentence: str) -> str:
    """The text of the span's own case: around it up to the nearest breaks (，；、) outside brackets."""
    before = _first_break(sentence, range(span.start - 1, -1, -1), enter=_CLOSING, leave=_OPENING)
    after = _first_break(sentence, range(span.end, len(sentence)), enter=_OPENING, leave=_CLOSING)
    return sentence[0 if before is None else before + 1 : len(sentence) if after is None else after]


def _first_break(sentence: str, positions: range, enter: frozenset[str], leave: frozenset[str]) -> int | None:
    """The first position, walking ``positions``, of a case break outside brackets (a bracket is entered
    at one of ``enter``: a closing one when walking back)."""
    depth = 0
    for i in positions:
        depth = max(depth + (sentence[i] in enter) - (sentence[i] in leave), 0)
        if depth == 0 and sentence[i] in _CASE_BREAKS:
            return i
    return None


def own_case(spans: Sequence[Span], sentence: str, terms: Sequence[str]) -> Span | None:
    """The one figure whose own case names a question term no other figure's case names (村道边沟…外缘向外
    二十米 for 村道; 妇女村民代表…三分之一以上 for 妇女代表), or None. A case ending in 的 (货值金额不足1万元的)
    is a condition a penalty is graded by, never the figure asked."""
    cases = [_case(s, sentence) for s in spans]
    words = [t for t in terms if len(t) >= 2]
    named = [
        i
        for i, case in enumerate(cases)
        if not case.endswith("的")
        and any(t in case and sum(t in other for other in cases) == 1 for t in words)
    ]
    return spans[named[0]] if len(named) == 1 else None


def proximity(span: Span, sentence: str, terms: Sequence[str]) -> float:
    """How closely the question's terms surround a span: Σ len/(1 + gap) over the terms' occurrences."""
    total = 0.0
    for t in terms:
        i = sentence.find(t)
        while i >= 0:
            if i >= span.end:
                gap = i - span.end
            elif i + len(t) <= span.start:
                gap = span.start - (i + len(t))
            else:
                gap = 0
            total += len(t) / (1.0 + max(gap, 0))
            i = sentence.find(t, i + 1)
    return total


# 最多/最长/不超过/几天内 asks for an upper bound, 最少/至少/不低于 for a lower one (最低 is left out: 最低生活保障).
_ASKS_UPPER = re.compile(
    r"最多|最长|最高|顶多|封顶|上限|不能超过|不超过|(?:几|多少)个?(?:天|日|工作日|小时|周|个月|年)(?:内|以内|之内)"
)
_ASKS_LOWER = re.compile(r"最少|至少|下限|起码|不低于|不少于")
_UPPER = re.compile(r"以下|以内|不超过|不得超过|不高于|不多于|最多|最长|最高|内$")
_LOWER = re.compile(r"以上|不少于|不低于|不得少于|不得低于|至少|最少")


def against_bound(info: QuestionInfo, span: Span) -> bool:
    """Whether a figure is bounded only the other way than the question asks (不少于5个工作日 for 公示期最长
    几天): it states a floor where a ceiling is asked, so it does not answer. Questions asking both ways
    (最多几个，最少几个) or neither are never against."""
    upper, lower = bool(_ASKS_UPPER.search(info.text)), bool(_ASKS_LOWER.search(info.text))
    if upper == lower:
        return False
    ceiling, floor = bool(_UPPER.search(span.text)), bool(_LOWER.search(span.text))
    if bounds_how_often(span.text):
        # 至少三年修订一次 / 每年至少召开一次: 至少 bounds how often, not the period, which answers 最长多久
        # 修订一次 and 至少多久开一回 alike.
        return False
    return floor and not ceiling if upper else ceiling and not floor


def bounds_how_often(text: str) -> bool:
    """Whether a bound is on how often, not on the period (至少三年修订一次, 每年至少召开一次)."""
    return "至少" in text and text[-2:-1] in ("一", "两", *"0123456789") and text.endswith("次")


def bounded(info: QuestionInfo, spans: Sequence[Span]) -> list[Span]:
    """The spans not :func:`against_bound` the question."""
    return [s for s in spans if not against_bound(info, s)]


def unstated(info: QuestionInfo, spans: Sequence[Span]) -> list[Span]:
    """The spans the question does not state itself: a figure the question gives (“三个人家”, 2023年)
    is what it asks about, not the figure it asks for. All spans when the question states them all."""
    return [s for s in spans if s.text not in info.text] or list(spans)
