"""Question analysis (问题分析): type, wanted unit, named documents and other document hints.

Everything here is rule-based and cheap, so it runs on every question and every follow-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.lexicon import REGIONS, expansions

QUESTION_TYPES = ("number", "deadline", "classification", "list", "definition", "procedure", "yesno", "other")

_YESNO = re.compile(
    r"能不能|能否|可不可以|可否|是否|要不要|是不是|有没有|会不会|用不用|该不该|行不行|算不算|[能可会要需得应][^，。？]{0,12}吗[？?]?$|吗[？?]?$"
)
_DEADLINE = re.compile(
    r"什么时候|啥时候|何时|哪天|哪一天|几月几[日号]|多长时间|多久|期限|截止|过渡期|时间限制|几天内|几日内|多少天|几年内|哪年|起施行|开始施行|施行|生效|[多几]长时间|多少年"
)
_PROCEDURE = re.compile(
    r"谁|哪个部门|哪些部门|哪一级|哪级|哪个单位|什么部门|由哪|找哪|向哪|哪里办|怎么办理|如何办理|审批|负责|怎么用|怎么统筹"
)
_CLASSIFY = re.compile(
    r"哪几类|几类|分为|分成|哪类|哪一类|哪[三四五六两]类|什么类型|哪几种类型|哪些地区和哪些地区|哪部"
)
_LIST = re.compile(
    r"哪些|哪几|有什么|包括|包含|都有|哪[三四五六七八九十两]个|哪[三四五六两]项|哪[三四五六两]权"
)
_NUMBER = re.compile(
    r"多少|几[个名户人倍次座家项年天岁成万元条所名位]|几倍|比例|百分之|几次|多大|多高|几名|多少钱"
)
_DEFINITION = re.compile(
    r"是什么|什么是|啥是|是啥|什么意思|含义|定位|指什么|什么样|什么要求|啥要求|新说法|什么机制|什么制度|什么账|什么文件"
)

# "多少X" / "几X": the measure word the answer must carry.
_UNIT = re.compile(
    r"(?:多少|几)(?:个(?=人|月))?(钱|元|块|平方米|亩|公顷|斤|吨|人|户|名|个|座|家|项|倍|次|年|天|日|月|岁|公里|所|条|批|位)"
)
UNIT_FORMS: dict[str, tuple[str, ...]] = {
    "钱": ("元", "万元", "亿元"),
    "块": ("元",),
    "元": ("元",),
}

_DOC_SUFFIX = r"(?:暂行办法|实施办法|办法|条例|意见|决定|规定|通知|规划|建议|纲要|方案|促进法|组织法|[^\s说做方想看合依违守执立司用手无，。？的]法)"
_NAMED_DOC = re.compile(
    r"《([^》]{2,40})》|((?:中华人民共和国)?[\u4e00-\u9fff]{1,16}?"
    + _DOC_SUFFIX
    + r")(?=[里中上里面的，。？?是从自什哪对有规要说讲提怎关]|$)"
)
_BAD_DOC_START = re.compile(r"^(什么|哪|怎么|有|这|那|该|本|我们|咱|他|她|它|老|新|啥|按|照|依)|哪|什么|怎么")
_YEAR = re.compile(r"(20\d{2}|19\d{2})年")
_KINDS = ("一号文件", "条例", "办法", "决定", "建议", "意见", "规划", "通知", "促进法", "组织法")


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What a question asks for (问题分析结果)."""

    text: str
    qtype: str
    unit: str | None = None  # measure word a number answer must carry
    named_docs: tuple[str, ...] = ()  # document names as written in the question
    regions: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    expansions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def search_text(self) -> str:
        """The question plus formal wording for its colloquial terms (retrieval only)."""
        return self.text + (" " + " ".join(self.expansions) if self.expansions else "")

    @property
    def unit_forms(self) -> tuple[str, ...]:
        if self.unit is None:
            return ()
        return UNIT_FORMS.get(self.unit, (self.unit,))


def classify(question: str) -> str:
    q = question.strip()
    if re.search(r"时间限制|期限|过渡期|多久|多长时间|时效", q):
        return "deadline"
    if _YESNO.search(q) and not _NUMBER.search(q):
        return "yesno"
    if _CLASSIFY.search(q):
        return "classification"
    if re.search(r"哪几|哪“?[三四五六七八九十两]", q):
        return "list"
    if re.search(r"几[天日]内|多少天内|几个月内", q):
        return "deadline"
    if _NUMBER.search(q) and not re.search(r"多少年|哪年|几年内|多久", q):
        return "number"
    if _DEADLINE.search(q):
        return "deadline"
    if _LIST.search(q):
        return "list"
    if _PROCEDURE.search(q):
        return "procedure"
    if _DEFINITION.search(q):
        return "definition"
    return "other"


def named_documents(question: str) -> tuple[str, ...]:
    """Document names the question cites, e.g. 乡村振兴促进法, 北京条例, 《社会救助暂行办法》."""
    names: list[str] = []
    for m in _NAMED_DOC.finditer(question):
        name = m.group(1) or m.group(2)
        name = re.sub(r"^(?:[\u4e00-\u9fff]{0,6}?的|在|按|按照|根据|依据|依照)", "", name)
        if len(name) >= 3 and not _BAD_DOC_START.search(name) and name not in names:
            names.append(name)
    return tuple(names)


def analyse(question: str) -> QuestionInfo:
    q = question.strip()
    unit = _UNIT.search(q)
    return QuestionInfo(
        text=q,
        qtype=classify(q),
        unit=unit.group(1) if unit else None,
        named_docs=named_documents(q),
        regions=tuple(r for r in REGIONS if r in q),
        years=tuple(dict.fromkeys(_YEAR.findall(q))),
        kinds=tuple(k for k in _KINDS if k in q),
        expansions=tuple(expansions(q)),
    )
