"""分类题 (classification): 分为哪几类 — the categories, read like an enumeration."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import Cue, QuestionInfo
from assistant.answer_types.enumeration import ItemsAnswer, asked_category, lists_the_asked, named_as
from assistant.answer_types.registry import written_form
from assistant.extract import CN_DIGITS, Span

# A sentence that states the division itself (分为三类, 划分为四个等级) answers "分几类" outright.
# 分为Ⅰ级（特别重大…）、Ⅱ级… / 分为一级至十级 names the grades themselves, numbered.
_DIVISION = re.compile(
    rf"(?:分为|分成|划分为|划为|分)[{CN_DIGITS}\d]+(?:个)?(?:类|种|档|级|等|个类型|个等级)"
    rf"|(?:分为|分成|划分为|划为)[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ{CN_DIGITS}\d]{{1,2}}级"
)
# 保护范围包括核心保护区、建设控制地带和风貌协调区: the parts named right after the verb that divides.
_DIVIDED_INTO = re.compile(r"(?:分为|分成|划分为|划为|包括)[\u4e00-\u9fff]{2,16}、")
# 方案分为报告书和报告表: two parts joined by 和/与 right after a verb that divides (not after 包括,
# which also introduces a single pair of anything); the clause itself is the answer.
_DIVIDED_IN_TWO = re.compile(
    r"(?:分为|分成|划分为|划为)[\u4e00-\u9fff]{2,12}[和与][\u4e00-\u9fff]{2,12}[。；;]"
)
# 算几级保护, 立过几等功: a grade asked, which a clause states as a numbered grade (实行二级保护, 二等功以上).
_ASKS_GRADE = r"(?:算|属于|属|定为|评为|划为|够|实行)(?:是)?(?:哪(?:一)?|几)[级档等]|[几哪]等(?:功|奖)"
_GRADE_ASKED = re.compile(_ASKS_GRADE)
_GRADE = re.compile(rf"(?<![第\d{CN_DIGITS}])[{CN_DIGITS}\d]{{1,2}}[级档等](?!以上人民政府|人民政府)")
# 算个啥法人, 属于哪一块, 算哪类机构: the kind something is filed under (归类), asked with the verb that
# files it; 归哪个部门 and 是什么 ask other things, 算个啥样的组织, 算啥性质 and 算个啥概念 what it is (definition).
_FILED_AS = r"(?:算|属于|属|定性为|认定为)(?:是)?(?:个|一个)?(?:什么|哪一?[类种块])(?!样|性质|概念|意思|东西)"
# …the kind's head noun (法人, 机构), which the clause filing it names: 取得特别法人资格, 是…的监督机构.
_FILED_HEAD = re.compile(_FILED_AS + r"(?:样的|的)?([\u4e00-\u9fff]{2,4}?)(?:[？?，,。]|$)")
_FILES = re.compile(r"(?:是|为|属于|取得|作为|按照)[^，,。；;]{0,20}$")


def _files_under(sentence: str, head: str) -> bool:
    """Whether the sentence files something under ``head``: 是/为/取得… shortly before it in one clause."""
    at = sentence.find(head)
    while at >= 0:
        if _FILES.search(sentence[max(at - 22, 0) : at]):
            return True
        at = sentence.find(head, at + 1)
    return False


# 分成哪两块, 分几个等级, 分哪几种: the division itself is asked (not 属于哪一类, which files one thing).
_ASKS_DIVISION = re.compile(r"分(?:成|为)?(?:哪|几)")

# A list of items without such a statement may be the categories, or any other list.
ITEMS_ONLY_FIT = 0.6
DIVIDED_FIT = 0.9


class Classification(ItemsAnswer):
    name = "classification"
    labels = ("分类", "类别")
    cues = (
        Cue(30, re.compile(
            r"哪几类|几大?类|分为|分成|哪类|哪一类|哪[三四五六两]类|什么类型|哪几种类型|哪些地区和哪些地区|哪部"
            # 分哪两种, 分几档, 分哪几个等级: a division asked without 为/成.
            r"|分(?:哪[几一]?|几)[两三四五六七八九十]?个?大?(?:类|种|档|级|等|层次|部分|块)"
            # 算哪一级 asks a grade (滑坡死了5个人算哪一级), 哪一级政府 a body: the verb tells them apart.
            rf"|{_ASKS_GRADE}"
            rf"|{_FILED_AS}"
        )),
    )  # fmt: skip
    clause_fallback = True  # 分为三类：… — the clause that names them

    def prefers_fit(self, info: QuestionInfo) -> bool:
        # 湿地分成哪两级: the sentence stating the division (将湿地分为重要湿地和一般湿地) leads over a close
        # better-scored one that only speaks of the kinds.
        return bool(_ASKS_DIVISION.search(info.text))

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if spans and lists_the_asked(info.text, spans):
            return 0.0
        if _DIVISION.search(sentence) or _DIVIDED_IN_TWO.search(sentence):
            return 1.0
        if _GRADE_ASKED.search(info.text) and _GRADE.search(sentence):
            return 1.0
        question = written_form(info.text)
        head = _FILED_HEAD.search(question)
        if head and _files_under(sentence, head.group(1)):
            return DIVIDED_FIT  # 社监会是社员大会的监督机构 for 社监会算哪类机构
        if spans and _DIVIDED_INTO.search(sentence):
            return DIVIDED_FIT
        asked = asked_category(question) if spans else ()
        if asked and any(named_as(sentence, s, asked) for s in spans):
            return DIVIDED_FIT  # 初次分配、再分配、第三次分配 for 哪几次分配: items named as the kind asked
        return min(super().fit(info, sentence, spans), ITEMS_ONLY_FIT)

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        best = super().pick(info, sentence, spans, terms)
        if best is None or best.kind != "listed" or not _ASKS_WHICH.search(info.text):
            return best
        # The tier holding the case the question states (死了5个人 → 中型：…), else the item naming the thing.
        item = best.text if "；" not in best.text else _named_item(best, terms)
        return (_item_head(sentence, item) if item else None) or best


# 狂犬病算第几类, 过期药算哪类垃圾: one thing filed under one of the listed kinds; the item that alone names it
# answers, not the whole scale.
_ASKS_WHICH = re.compile(rf"{_ASKS_GRADE}|{_FILED_AS}|算(?:第)?[几哪]")


def _named_item(listed: Span, terms: Sequence[str]) -> str | None:
    """The one listed item that names a question term no other item names."""
    items = [i for i in listed.text.split("；") if i]
    own = [t for t in terms if len(t) >= 2 and sum(t in i for i in items) == 1]
    named = [i for i in items if any(t in i for t in own)]
    return named[0] if len(named) == 1 else None


def _item_head(sentence: str, item: str) -> Span | None:
    """The kind an item of a scale names, as a span of ``sentence``; None when it names none."""
    at = sentence.find(item)
    if at < 0:
        return None
    # The kind the item names: before 是指 or its colon (二类疫病，是指…; 中型：…), or the ruling after its case
    # (树龄300年以上不满500年的，实行二级保护).
    if re.search(r"是指|[：:]", item):
        head = re.split(r"，?是指|[：:]", item)[0]
    elif "的，" in item:
        head = item.split("的，")[-1]
    else:
        return None  # an item that names no kind (法律、法规规定的其他区域) is no answer of its own
    head = _ITEM_NUMBER.sub("", head).strip("，；。 ")
    start = sentence.find(head, at)
    if not head or len(head) > ITEM_HEAD_CHARS or start < 0:
        return None
    return Span(start, start + len(head), "item", head)


_ITEM_NUMBER = re.compile(r"^[（(][一二三四五六七八九十\d]+[)）]")
ITEM_HEAD_CHARS = 20  # a kind's name leads the answer; a longer head is no name


CLASSIFICATION = Classification()
