"""是非题 (yesno): 能不能、是否、要不要 — a verdict from the governing modal verb (不得 → 不能)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.answer_types.departures import (
    ASKING_WORDS,
    ASKS_DUTY,
    ASKS_SANCTION,
    DEPARTS,
    departs,
    exempted,
    overstated,
)
from assistant.answer_types.number import NUMBER_CUE
from assistant.extract import Span
from assistant.modals import DESCRIBES_WHO, EXEMPTIONS, asking_clause, asks_exemption, obligations

_YESNO = re.compile(
    r"能不能|能否|可不可以|可否|是否|要不要|是不是|有没有|会不会|用不用|该不该|行不行|算不算|([\u4e00-\u9fff])不\1|[能可会要需得应][^，。？]{0,12}吗[？?]?$|吗[？?]?$"
)
# A plain statement (…优先聘用为护林员) answers yes without a modal verb: half credit.
PLAIN_STATEMENT_FIT = 0.5
_PERMISSIVE = ("可以", "允许", "有权", "可")
_NEAR = 30  # characters around a modal within which a question word must stand for it to give the verdict


# Negations the modal verbs miss: a negated permission (不允许城镇居民…购买农房, 无权) says no where its
# permissive word alone would say yes; a statement that denies (不适用有关破产法律的规定, 不具有法人资格,
# 不属于受理范围, 所有权不变) answers no without any modal; 可以不… (可以不设, 可以不予发放) lifts a duty
# without forbidding anything: not necessarily.
_NEGATED_PERMISSION = re.compile(r"[不无未](?:允许|可以|得以|支持|鼓励)|无权")
_DENIES = re.compile(
    r"不适用|不具有|不具备|不属于|不享有|不计入|不纳入|不列入|不视为|不作为|不认定|不受理|不改变|不变"
)
_MAY_REFRAIN = "可以不"
_BY_LAW = "依法"
_DUTIES = ("应当", "必须")  # a duty says what one must do, not whether one may
# 不具有接受普通教育能力的残疾未成年人: a lack closed by 的 and a person describes who, it rules nothing
# (不计入共同生活的家庭成员 still rules: its 的 is inside the object).
_LACKS = ("不具有", "不具备", "不享有")
# 能不能不招标, 可不可以不设: the question itself asks to refrain, so 可以不 answers yes.
_ASKS_TO_REFRAIN = re.compile(r"(?:能不能|可不可以|能否|可否|可以|能)不(?!能)")


# A plain statement (享受农村五保供养待遇, 服现役年限计算为工龄) answers yes when it speaks of the question and
# denies nothing: the verdict echoes the question's own verb (算不算 → 算, 能不能 → 能), as one answers in
# Chinese. A sentence with any word of negation or restriction is left without a verdict (不停止…执行, 只能
# 选择其中一项 say no without a modal verb).
_PLAIN = "plain"
_RESTRICTS = re.compile(
    r"不|无|未|非|没|只能|只得|仅|限于|限定|禁止|严禁|除外|但是|废止|失效|停止|取消|终止|撤销|防止|避免|杜绝"
    r"|是指|所称"  # a definition says what a word means, not whether the asked act may be done
)
# Questions a plain statement does not settle: of a duty (要不要批: a statement need not impose it), of two
# cases (罚得一样吗), or proposing to depart from a rule (一刀切, 随便: the statement is the rule departed from).
_PLAIN_UNSETTLED = re.compile(r"一样|区别|分别|还是")
# 能拿补助不？ / 政府能给补贴不？: a verb asked and a 不 closing the question ask as 能不能 does.
_ECHOED = re.compile(
    r"可不可以|是否|([\u4e00-\u9fff])[不没]\1|([能会要算行是有])[^，,。；;？?]{1,12}不(?=[？?])"
)
_ECHOES = {"可不可以": "可以", "是否": "是", "能": "能", "算": "算", "是": "是", "有": "有", "会": "会",
           "要": "要", "用": "要", "行": "行", "该": "应该"}  # fmt: skip
_PLAIN_WORDS = frozenset(_ECHOES.values()) - {"可以"}  # 可以 is also a modal's own verdict


def _echo(asked: re.Match[str] | None) -> str:
    """The verdict that echoes the question's own verb (:data:`_ECHOED` found ``asked``), 是 without one."""
    return "是" if asked is None else _ECHOES.get(asked.group(1) or asked.group(2) or asked.group(0), "是")


def _asked_clause(question: str) -> str:
    """The clause that asks (能拿补助不 in 没法补休，能拿补助不？) without its asking words: a 没 or 不 in the
    situation told before it (没法补休) asks nothing about whether a thing is left undone."""
    asked = asking_clause(question, _YESNO, _ECHOED) or question
    return _ECHOED.sub("", _YESNO.sub("", asked))


def _ruling_start(sentence: str) -> int:
    """Where the ruling begins: after the last 的， that closes the case it rules (…的，享受…待遇), else 0."""
    case = sentence.rfind("的，")
    return 0 if case < 0 else case + 2


def _plain_yes(question: str, sentence: str, words: Sequence[str]) -> Span | None:
    """The yes a plain statement gives (:data:`_PLAIN`), at the first question word it names; None when it
    names none or restricts anything, or the question asks whether something is not done (是不是不用交) or
    is one a plain statement does not settle (:data:`_PLAIN_UNSETTLED`, duties, departures)."""
    # What is asked is said last (农村养老补贴取消了吗: 取消): the statement must say it, not only the topic.
    placed = [(question.rfind(t) + len(t), t) for t in words if t in question]
    if not placed or max(placed)[1] not in sentence:
        return None
    # A negation inside the condition (无劳动能力、无生活来源…的，享受…待遇) says who, not whether: only the
    # ruling after the last 的， must deny nothing.
    ruling = sentence[_ruling_start(sentence) :]
    if _RESTRICTS.search(ruling) or _ASKS_OMISSION.search(_asked_clause(question)):
        return None
    asked = _ECHOED.search(question)
    if asked is None and "吗" not in question:
        return None
    if (
        _PLAIN_UNSETTLED.search(question)
        or ASKS_DUTY.search(question)
        or DEPARTS.search(ASKING_WORDS.sub("", question))
    ):
        return None
    at = min(sentence.find(t) for t in words if t in sentence)
    return Span(at, at, _PLAIN, _echo(asked))


# Kinds of span that answer no, each its own verdict: a prohibition (不得, 不允许 → 不能), a denial (不适用 → 否),
# a lifted duty (可以不 → 不一定).
_DENIAL, _REFRAIN = "denies", "refrains"
_SAYS_NO = ("no", _DENIAL, _REFRAIN)


def _negations(sentence: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "no", m.group(0)) for m in _NEGATED_PERMISSION.finditer(sentence)]
    spans += [
        Span(m.start(), m.end(), _DENIAL, m.group(0))
        for m in _DENIES.finditer(sentence)
        if m.group(0) not in _LACKS or not DESCRIBES_WHO.match(sentence, m.end())
    ]
    at = sentence.find(_MAY_REFRAIN)
    while at >= 0:
        spans.append(Span(at, at + len(_MAY_REFRAIN), _REFRAIN, _MAY_REFRAIN))
        at = sentence.find(_MAY_REFRAIN, at + 1)
    return spans


def verdict(span: Span | None) -> str | None:
    """Yes/no answer from the governing clause: 不得… means 不能; 免征 means 不需要; 不适用 means 否;
    可以不 means 不一定."""
    if span is None:
        return None
    if span.kind in (_PLAIN, _OVERSTATED):
        return span.text
    if span.kind == _DENIAL:
        return "否"
    if span.kind == _REFRAIN:
        return "不一定"
    if span.kind == "no":
        if span.text in EXEMPTIONS:
            return "不需要"
        if span.text in ("取消",):
            return "可以"
        return "不能"
    return "应当" if span.text in _DUTIES else "可以"


# A bound the question asks to cross (能不能比公务员低 against 不低于…): the answer is no.
_BOUND = re.compile(r"不(低|高|少|多)于|不(超)过")
_COMPARES = re.compile(r"比[^，。？?]{1,12}?(低|高|少|多)|(低|高|少|多)于|(超)过|(超)出")


def _directions(question: str) -> set[str]:
    """The directions a question compares in (比公务员低 → 低; 超过 → 超); 低保 compares nothing."""
    return {d for m in _COMPARES.finditer(question) for d in m.groups() if d}


def _limits_crossed(question: str, sentence: str) -> list[Span]:
    """Bounds of the sentence (不低于, 不超过 …) whose direction the question asks about (低, 超)."""
    bounds = list(_BOUND.finditer(sentence))
    asked = _directions(question) if bounds else set()
    return [Span(m.start(), m.end(), "no", m.group(0)) for m in bounds if (m.group(1) or m.group(2)) in asked]


# A sanction for an act (违反…的，由…责令停止…，可以并处罚款) says the act is not allowed, whatever modal its
# consequence carries (可以并处 is the authority's discretion, not the asker's permission); a sanction for an
# omission (未依照规定报案的，…给予处分) says the act is a duty. Not when the question asks about the sanction
# or the complaint itself (要罚款吗, 会被追责吗, 向谁举报), nor about the omission (学校能拒绝吗 against 拒绝…的).
_SANCTION = re.compile(r"责令|罚款|没收|吊销|处分|拘留|追究")
_OMISSION = re.compile(r"未|没有|不按|不依|不履行|拒绝|拒不")
_ASKS_OMISSION = re.compile(r"不|没|拒")


def _sanctioned_act(question: str, sentence: str, words: Sequence[str]) -> Span | None:
    """The sanction of a penalty clause whose condition (before its first 的，) names the asked act: a
    no for a sanctioned act, a duty (应当) for a sanctioned omission the question does not itself ask about."""
    cut = sentence.find("的，")
    if cut < 0 or ASKS_SANCTION.search(question):
        return None
    condition = sentence[:cut]
    sanction = _SANCTION.search(sentence, cut)
    if sanction is None or not any(t in condition for t in words):
        return None
    if _OMISSION.search(condition) and not _ASKS_OMISSION.search(_YESNO.sub("", question)):
        return Span(sanction.start(), sanction.end(), "yes", "应当")
    return Span(sanction.start(), sanction.end(), "no", sanction.group(0))


_OVERSTATED = "overstates"

# 未经…批准，不得… : the act is forbidden only while the approval is lacking.
_UNAPPROVED = re.compile(r"未经[^，。；]{0,24}?(?:批准|同意|许可|审批|核准|审核|登记|备案)")


def _unless_overstated(question: str, sentence: str, chosen: Span, words: Sequence[str]) -> Span:
    """``chosen``, or where ``chosen`` says yes: 不需要 for an exempt case (``departures.exempted``), the no
    of an overstated question (``departures.overstated``)."""
    if chosen.kind not in ("yes", _PLAIN):
        return chosen
    word = "不需要" if exempted(question, sentence, words) else overstated(question, sentence)
    return chosen if word is None else Span(chosen.start, chosen.end, _OVERSTATED, word)


# 能不能建房的地方分成哪几类: 能不能 inside a modifier (…的地方) names a kind of thing, and the question
# asks something else about it.
_MODIFIER_THEN_ASKS = r"(?:能不能|可不可以)[\u4e00-\u9fff]{1,6}的[^，。？?]*(?:哪|几|什么)"


class YesNo(AnswerType):
    name = "yesno"
    labels = ("是非", "判断")
    # 能领多少钱吗 asks for the figure; 把几个村撤并了，法律上允许吗 asks whether: only a number word in
    # the clause that asks vetoes. 算不算工伤？哪些情况不认？ asks for the cases: their list answers both
    # (in the opened and training sets no question asking 哪些 wanted only a verdict).
    cues = (
        Cue(20, _YESNO, unless=re.compile(f"(?:{NUMBER_CUE.pattern})[^，,；;]*$|哪些|{_MODIFIER_THEN_ASKS}")),
    )
    prefers_specific = True
    gives_verdict = True

    def reads_lead_in(self, lead_in: str) -> bool:
        # 禁止下列行为： says no of each item; 下列事项，经村民会议讨论决定方可办理： only how it is decided.
        return any(s.kind == "no" for s in obligations(lead_in))

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        negations = _negations(sentence)
        if _ASKS_TO_REFRAIN.search(info.text):
            negations = [n if n.kind != _REFRAIN else Span(n.start, n.end, "yes", "可以") for n in negations]
        # The 允许 of 不允许 and the 可以 and 不予 of 可以不予 are read only as part of their negation.
        modal = [
            s
            for s in obligations(sentence)
            if not any(s.start < n.end and n.start < s.end for n in negations)
        ]
        return sorted(modal + negations, key=lambda s: s.start)

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        return 1.0 if spans else PLAIN_STATEMENT_FIT

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        # A modal far from every word of the question (国家鼓励养老机构投保… for 钢架归他们在理不) says
        # nothing about what is asked: no verdict then, the clause is quoted as it stands.
        words = [t for t in terms if len(t) >= 2]
        sanctioned = _sanctioned_act(info.text, sentence, words)
        if sanctioned is not None:
            return sanctioned
        if not spans:
            plain = _plain_yes(info.text, sentence, words)
            if plain is not None:
                return _unless_overstated(info.text, sentence, plain, words)
            # No modal and no plain yes, but the sentence speaks of the question: a claim or a duty it does
            # not state is still denied (是不是要求马上全铲了 against 分类有序整改). A permission asked with
            # 随便 against a plain statement stays unanswered: the statement grants nothing to depart from.
            word = overstated(info.text, sentence) if any(t in sentence for t in words) else None
            return None if word in (None, "不能") else Span(0, 0, _OVERSTATED, word)
        if words:
            near = [
                s for s in spans if any(t in sentence[max(0, s.start - _NEAR) : s.end + _NEAR] for t in words)
            ]
            # A sentence that only forbids (禁止修建围堤…；种植…芦苇…) forbids what it lists however long
            # the list: a question word anywhere in it takes the verdict.
            forbids = (
                bool(spans) and all(s.kind in _SAYS_NO for s in spans) and any(t in sentence for t in words)
            )
            spans = near or (list(spans) if forbids else [])
        if not spans:
            return None
        negative = [s for s in spans if s.kind in _SAYS_NO]  # a prohibition governs any permission beside it
        negative += _limits_crossed(info.text, sentence)
        permissive = [s for s in spans if s.text in _PERMISSIVE]
        # 依法 says by what law, not whether (依法取得的承包经营权，应当保留): any other modal governs first.
        ruling = [s for s in spans if s.text != _BY_LAW]
        # 依法 says by what law: in the ruling after the case (…的，由村民委员会依法予以解聘) it grants what follows
        # it, inside the case (女职工在…依法享受产假期间，…期满的，) it rules nothing.
        ruling = ruling or [s for s in spans if s.text == _BY_LAW and s.start >= _ruling_start(sentence)]
        if not (negative or permissive or ruling):
            plain = _plain_yes(info.text, sentence, words)
            return None if plain is None else _unless_overstated(info.text, sentence, plain, words)
        chosen = (negative or permissive or ruling)[0]
        if (
            chosen.kind == "no"
            and ASKS_DUTY.search(info.text)
            and _UNAPPROVED.search(sentence, 0, chosen.start)
        ):
            # 要不要批 against 未经乡级人民政府批准…不得修建: what is forbidden without approval needs it.
            return Span(chosen.start, chosen.end, _OVERSTATED, "需要")
        if chosen.text in _DUTIES and (_ASKS_TO_REFRAIN.search(info.text) or departs(info.text, sentence)):
            # 养老院能不收吗 against …应当安排收住: asking to leave a duty undone, or to do the act otherwise
            # than the duty says (能不能开目录外头的药), is answered no.
            return Span(chosen.start, chosen.end, "no", chosen.text)
        if chosen.text in EXEMPTIONS and asks_exemption(info.text, _YESNO):
            # 是不是免费给 against 免费提供: the exemption asked for is granted, in the question's own verb.
            return Span(chosen.start, chosen.end, _PLAIN, _echo(_ECHOED.search(info.text)))
        return _unless_overstated(info.text, sentence, chosen, words)

    def short(self, span: Span) -> str | None:
        return verdict(span)

    def settled(self, short: str | None) -> bool:
        # A duty says what one must do, not whether one may; a plain statement's yes (是, 算) is weaker than
        # the modal or the denial of the sentence after it, and never overrides a duty's.
        return short is not None and short != "应当" and short not in _PLAIN_WORDS

    def leads(self, info: QuestionInfo, short: str) -> bool:
        return True  # the verdict always comes first: 不能。…


YESNO = YesNo()
