"""程序题 (procedure): 谁负责、哪个部门审批 — the responsible body (责任主体)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span, bodies, is_broad_body

_ASKS_LEVEL = re.compile(r"哪[一个]?级|什么级别|哪个层级|哪一层")
# 谁负总责 / 谁承担责任 / 由谁赔偿: what the asked one does, when the question names it after 谁.
_WHO_DOES = re.compile(r"谁(?:来|去|要|得|能|应该|应当)?([\u4e00-\u9fff]{2,6})")
_LEAD_WORDS = re.compile(r"(?:第[一二三四五六七八九十百零]+条\s*|[（(][一二三四五六七八九十]+[)）]\s*)")
# Where the one who acts ends: a preposition or modal after the subject (建房村民|对房屋…负总责).
_SUBJECT_END = re.compile(r"对|向|由|应当|应|须|必须|要|可以|依法|负责|承担|按照|依照")
# The one who acts is named as a person or party (建房村民, 当事人, 发包方, 经营者), not a verb phrase (健全市).
_ACTOR_END = re.compile(r"(?:人|民|者|户|方|员|会|组织|单位|主体|企业|机构|家庭)$")
ACTOR_FIT = 0.8  # a person or party named as the one who acts (建房村民, 当事人), not a government body
# A party a clause assigns a duty, a cost or ownership to, whoever the question says does it: 管理者为
# 责任人, 费用由责任单位承担, 村务档案归全体村民共同所有 (谁负责打扫 / 钱该谁掏 / 算谁的).
_ASSIGNED = re.compile(
    r"([\u4e00-\u9fff、]{2,24}?)为(?:责任人|责任单位|责任主体|管理人|负责人|管护主体)"
    r"|由([\u4e00-\u9fff、]{2,12}?)(?:承担|负担|支付|负责)"
    r"|归([\u4e00-\u9fff、]{2,12}?)(?:共同)?所有"
)


# Who or where is asked (谁审批, 找哪个部门, 去哪儿办): a named body is then the answer.
_ASKS_WHO = re.compile(
    r"谁|哪个部门|哪些部门|哪一级|哪级|哪个单位|什么部门|什么单位|由哪|找哪|向哪|往哪|哪里|哪儿|去哪|到哪|哪家"
)


class Procedure(AnswerType):
    name = "procedure"
    labels = ("程序", "流程")
    cues = (
        Cue(90, re.compile(
            r"谁|哪个部门|哪些部门|哪一级|哪级|哪个单位|什么部门|由哪|找哪|向哪|往哪|哪里办|去哪里|到哪里|怎么办理|如何办理|审批|负责|怎么用|怎么统筹|什么程序|什么手续|什么流程|怎么处理"
        )),
    )  # fmt: skip
    clause_fallback = True  # 怎么办理 without a named body: the matching clause
    lead_chars = 20
    prefers_specific = True
    answers_with_rule = True  # 申请临时救助的，应当向乡镇…提出: the rule, not the case the question repeats
    names_who_acts = True

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        if not _ASKS_WHO.search(info.text):
            return []
        found = bodies(sentence)
        assigned = _assigned(sentence) if "谁" in info.text else []  # 走啥程序 asks no party
        for actor in (_actor(info.text, sentence), *assigned):
            if actor is not None and not any(b.start <= actor.start < b.end for b in found):
                found.append(actor)
        return found

    def leads(self, info: QuestionInfo, short: str) -> bool:
        # 走啥程序 / 咋处理 asks what is done: the steps are the quote itself, and a body or clause set
        # before them in bold (乡镇人民政府。…) reads as the answer to a question nobody asked.
        return bool(_ASKS_WHO.search(info.text)) and super().leads(info, short)

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if not _ASKS_WHO.search(info.text):
            # 走啥程序 / 咋处理 asks what is done: a sentence naming a body answers it no better than
            # one that says the steps, so words and meaning decide (holdouts 4, 5, 6 and 8 +1 each).
            return 1.0
        if any(s.kind == "body" for s in spans):
            return 1.0
        return ACTOR_FIT if spans else 0.0

    def broad(self, info: QuestionInfo, span: Span | None) -> bool:
        # 哪级政府 asks for a level: 县级以上人民政府 is then the very answer, not a broad one.
        return span is not None and is_broad_body(span.text) and not _ASKS_LEVEL.search(info.text)


def _actor(question: str, sentence: str) -> Span | None:
    """The one a clause says does what the question asks 谁 does: 谁负总责 against 建房村民对房屋的质量安全
    负总责 gives 建房村民 (its clause's subject, before 对/向/由/应当…)."""
    m = _WHO_DOES.search(question)
    if m is None:
        return None
    deed = m.group(1).rstrip("啊呢吗呀")
    for size in range(len(deed), 1, -1):  # 负总责 in 负总责任, 赔偿 in 赔偿损失
        at = sentence.find(deed[:size])
        if at > 0:
            break
    else:
        return None
    start = _after_numbering(sentence, _clause_start(sentence, at))
    end = _SUBJECT_END.search(sentence, start, at)
    stop = end.start() if end else at
    text = sentence[start:stop]
    if not 2 <= len(text) <= 12 or not re.fullmatch(r"[\u4e00-\u9fff、和及]+", text):
        return None
    if not _ACTOR_END.search(text):
        return None
    return Span(start, stop, "actor", text)


def _assigned(sentence: str) -> list[Span]:
    """Parties a clause makes responsible, liable or owner (:data:`_ASSIGNED`), without an item number."""
    out = []
    for m in _ASSIGNED.finditer(sentence):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        start, end = m.span(group)
        start = _after_numbering(sentence, start)  # the party may open a numbered item: （三）集市…
        if end - start >= 2:
            out.append(Span(start, end, "actor", sentence[start:end]))
    return out


def _clause_start(sentence: str, at: int) -> int:
    """Where the clause holding position ``at`` begins (after the punctuation before it)."""
    return max(sentence.rfind(c, 0, at) for c in "，。；：\n") + 1


def _after_numbering(sentence: str, pos: int) -> int:
    """``pos``, or past the article or item number that opens the text there (第五条 / （一）)."""
    lead = _LEAD_WORDS.match(sentence, pos)
    return lead.end() if lead else pos


PROCEDURE = Procedure()
