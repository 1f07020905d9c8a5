"""Question analysis (问题分析): type, wanted unit, named documents and other document hints.

Everything here is rule-based and cheap, so it runs on every question and every follow-up.
"""

from __future__ import annotations

import re

from assistant.answer_types import ANSWER_TYPES, AnswerTypes, QuestionInfo
from assistant.lexicon import REGIONS, expansions

__all__ = ["QuestionInfo", "analyse", "classify", "named_documents"]

# "多少X" / "几X": the measure word the answer must carry.
_UNIT = re.compile(
    r"(?:多少|几)(?:个(?=人|月))?(钱|元|块|平方米|亩|公顷|斤|吨|人|户|名|个|座|家|项|倍|次|年|天|日|月|岁|公里|所|条|批|位)"
)

_DOC_SUFFIX = r"(?:暂行办法|实施办法|办法|条例|意见|决定|规定|通知|规划|建议|纲要|方案|促进法|组织法|[^\s说做方想看合依违守执立司用手无，。？的]法)"
_NAMED_DOC = re.compile(
    r"《([^》]{2,40})》|((?:中华人民共和国)?[\u4e00-\u9fff]{1,16}?"
    + _DOC_SUFFIX
    + r")(?=[里中上里面的，。？?是从自什哪对有规要说讲提怎关]|$)"
)
_BAD_DOC_START = re.compile(r"^(什么|哪|怎么|有|这|那|该|本|我们|咱|他|她|它|老|新|啥|按|照|依)|哪|什么|怎么")
_YEAR = re.compile(r"(20\d{2}|19\d{2})年")
_KINDS = ("一号文件", "条例", "办法", "决定", "建议", "意见", "规划", "通知", "促进法", "组织法")


def classify(question: str, types: AnswerTypes = ANSWER_TYPES) -> str:
    """The name of the question's answer type (题型)."""
    return types.classify(question).name


def named_documents(question: str) -> tuple[str, ...]:
    """Document names the question cites, e.g. 乡村振兴促进法, 北京条例, 《社会救助暂行办法》."""
    names: list[str] = []
    for m in _NAMED_DOC.finditer(question):
        name = m.group(1) or m.group(2)
        name = re.sub(r"^(?:[\u4e00-\u9fff]{0,6}?的|在|按|按照|根据|依据|依照)", "", name)
        if len(name) >= 3 and not _BAD_DOC_START.search(name) and name not in names:
            names.append(name)
    return tuple(names)


def analyse(question: str, types: AnswerTypes = ANSWER_TYPES) -> QuestionInfo:
    q = question.strip()
    unit = _UNIT.search(q)
    return QuestionInfo(
        text=q,
        answer_type=types.classify(q),
        unit=unit.group(1) if unit else None,
        named_docs=named_documents(q),
        regions=tuple(r for r in REGIONS if r in q),
        years=tuple(dict.fromkeys(_YEAR.findall(q))),
        kinds=tuple(k for k in _KINDS if k in q),
        expansions=tuple(expansions(q)),
    )
