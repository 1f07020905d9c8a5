"""数字题 (number): 多少、几个 — a quantity, in the unit the question asks for (多少钱 → 元)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import COUNTED, AnswerType, Cue, QuestionInfo, bounded, unstated
from assistant.extract import Span, quantities

# Also used by yes/no: 能领多少钱吗 asks for the figure, not a verdict.
# 好几回, 十几年 state a rough count and 那几年, 这几户 point at one already known: they ask nothing. 几只, 几棵,
# 几间, 几毛钱, 几场, 几张 ask only in a clause that asks (…能养几只鸡鸭？), not in one that tells (租了几亩耕地，…).
NUMBER_CUE = re.compile(
    r"多少|(?<![好十这那])几(?:[个名户人倍次回座家项年天岁成万元条所名位块层米]|公里|分(?![之钟]))|几[只头间毛角台辆棵株亩斤吨处场张份届轮][^，。；？?]*[？?]|比例|百分之|几分之几|多大|多高|多宽|多深|多远|多厚|多粗|多少钱|(?:什么|啥|哪个)标准|(?:咋|怎么|如何)(?:个)?(?:算|计算)(?!是)"
    # 咋罚 / 罚款是个什么数: the fine is asked, and a fine is a figure (…处一千元以上五千元以下罚款).
    r"|(?:咋|怎么|怎样|如何)(?:个)?(?:罚|处罚)|罚款?(?:是)?(?:个)?(?:什么|啥)数"
)
# A figure in another unit than the one asked (人 for 多少钱) is a weak fit: the sentence is on topic.
WRONG_UNIT_FIT = 0.2
_MONEY = frozenset({"钱", "元", "万元", "亿元", "块"})
_PENALTY = re.compile(r"罚|没收")
# A figure the fine itself is (…处五千元以上五万元以下的罚款 / 百分之十以上…的罚款): 罚款 closes its clause.
_FINE_AFTER = re.compile(r"[^，。；：]{0,16}?罚款")
_AREAS_AND_VOLUMES = ("平方米", "立方米", "平方公里")
# 一天按多少 / 每年多少: the amount per period is asked, so a length of time is not the figure.
_PER_PERIOD = re.compile(
    r"(?:一|每)(?:天|日|月|年)(?:按|能|要|得|给|收|交|补|发)?[^，。？\d]{0,2}?多少(?![天日月年])"
)
_PERIOD_FIGURE = re.compile(r"(?:个?工作日|日|天|个月|月|年|小时)(?:内|以内|之内|以上|以下|后|前)?$")
_SHARE = re.compile(r"分之|%|百分之|半数")
_PHONE = re.compile(r"(?<![\d.])\d{3,}(?:[-－]\d{3,})*(?![\d.%年月日元])")
# A calendar year (2035年, 二〇三五年) is a figure only when a year is asked (哪一年, 几几年).
_CALENDAR_YEAR = re.compile(r"(?:19|20)\d{2}年|[〇零一二][〇零一二三四五六七八九]{3}年")
_ASKS_YEAR = re.compile(r"哪(?:一)?年|几几年|什么年份|哪个年份")
_LONE_ONE = re.compile(r"^一[^\d〇零一二两三四五六七八九十百千万亿%分]?$")
# Who a penalty clause fines (处罚对象): …对有关责任人员处2000元以上5000元以下罚款，对有关责任单位处…
_PARTY = re.compile(r"(个人|自然人|责任人员|主管人员|责任人)|(单位|企业|法人|其他组织|公司)")
# A question about a unit names one (厂子, 合作社, 养殖场); one that names none asks of a person
# (有人烧荒, 乘客扔烟头). 不是单位 names no unit.
_ASKS_UNIT = re.compile(r"(?<!不是)(?<!而非)单位|企业|公司|厂|合作社|养殖场|法人|机构|组织")
_ASKS_PERSON = re.compile(r"个人|自然人")


# 至少集中配置一处 / 只能拥有一处: a bound before it makes a lone 一 the figure asked (最少得配几处).
_BOUND_BEFORE = re.compile(r"(?:至少|最少|不少于|只能|仅|限)[\u4e00-\u9fff]{0,6}$")


def _lone_one(sentence: str, span: Span) -> bool:
    """A lone 一 before a measure word that reads as an article (独身一人, 一个村), not as a bounded figure."""
    return bool(_LONE_ONE.match(span.text)) and not _BOUND_BEFORE.search(sentence[: span.start])


def _article(info: QuestionInfo, sentence: str, span: Span) -> bool:
    """A lone 一 in the general measure word 个 when another is asked (一个行政村 for 多少处): an article. In
    the asked word itself (配置一处, 复议一次) it is the figure."""
    return info.unit != "个" and span.text.endswith("个") and _lone_one(sentence, span)


class Number(AnswerType):
    name = "number"
    labels = ("数字", "数值", "数量")
    cues = (Cue(60, NUMBER_CUE, unless=re.compile(r"多少年|哪年|几年内|多久")),)
    lead_chars = 20
    clauses_rule_items = True
    asks_figure = True

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        if info.unit == "号码":  # 12119, 0371-12345: a telephone number is digits, never 二十四小时
            return [Span(m.start(), m.end(), "quantity", m.group(0)) for m in _PHONE.finditer(sentence)]
        found = quantities(sentence)
        if _ASKS_YEAR.search(info.text):
            return found
        # 到二〇三五年 / 2025年 date the rule; 人均收入要达到多少 is not answered by a year.
        return [s for s in found if not _CALENDAR_YEAR.fullmatch(s.text)]

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if not spans:
            return 0.0
        if (info.unit is None or info.unit in _MONEY) and _PER_PERIOD.search(info.text):
            # 滞纳金一天按多少加收 asks the amount per day: 三十日内 is not it
            spans = [s for s in spans if not _PERIOD_FIGURE.search(s.text)]
            if not spans:
                return WRONG_UNIT_FIT
        spans = bounded(info, spans)
        if not spans:
            return WRONG_UNIT_FIT  # a floor where a ceiling is asked (or the reverse)
        if info.unit_forms:
            fitting = [s for s in spans if self.states_unit(info, s) and not _article(info, sentence, s)]
            if not _PENALTY.search(info.text):  # a fine answers only a fine asked
                if info.unit in _MONEY:
                    # 补贴给多少钱: …处1000元以下罚款 states what one pays, and the other sums of a penalty
                    # sentence (货值金额不足1万元的) are the cases it is graded by: none of them answers.
                    fitting = [s for s in fitting if not _PENALTY.search(sentence)]
                else:
                    # 配套多少比例: …百分之十以上百分之五十以下的罚款 is the fine's own figure.
                    fitting = [s for s in fitting if not _FINE_AFTER.match(sentence, s.end)]
            return 1.0 if fitting else WRONG_UNIT_FIT
        # 独身一人, 一个村: a lone 一 before a measure word is usually an article, not the figure asked.
        return 1.0 if any(not _lone_one(sentence, s) for s in spans) else WRONG_UNIT_FIT

    @staticmethod
    def states_unit(info: QuestionInfo, span: Span) -> bool:
        """Whether a figure is in the asked unit: a fine asked in money may be a multiple (1倍以上3倍以下的
        罚款); 多少人联名 is answered by 五分之一以上的村民, a share of those counted."""
        units = info.unit_forms
        if info.unit in _MONEY and _PENALTY.search(info.text):
            units = (*units, "倍")
        text = span.text
        for measure in _AREAS_AND_VOLUMES:  # 几米 is a length: 120平方米 does not state it
            if measure not in units:
                text = text.replace(measure, "")
        return any(u in text for u in units) or (info.unit in COUNTED and bool(_SHARE.search(span.text)))

    def strict(self, info: QuestionInfo) -> bool:
        # 号码是多少 / 得多少人同意: without a figure the sentence does not answer, however close its words
        # (全省设立统一的报警电话 states no number). On holdouts 1–7 it refused two more unanswerable
        # questions and lost no answer that was right.
        return True

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        spans = bounded(info, spans) or spans
        # The asked unit first: 复议一次 answers 几回 though its 一 would be read as an article elsewhere.
        if spans and info.unit_forms:
            spans = [s for s in spans if self.states_unit(info, s)] or spans
        spans = [s for s in spans if not _lone_one(sentence, s)] or spans
        spans = _of_party(info, sentence, spans) or spans
        return super().pick(info, sentence, unstated(info, spans), terms)


def _of_party(info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> list[Span]:
    """The figures of a penalty clause that fine the party asked about: a person's fine for 有人…罚多少,
    a unit's for 厂子…罚多少. All of them when the sentence fines one party only, or the question asks
    of both (个人罚多少？单位呢？)."""
    unit, person = bool(_ASKS_UNIT.search(info.text)), bool(_ASKS_PERSON.search(info.text))
    if (unit and person) or not _PENALTY.search(sentence):
        return list(spans)
    marks = [(m.start(), m.group(1) is not None) for m in _PARTY.finditer(sentence)]
    if len({is_person for _, is_person in marks}) < 2:
        return list(spans)
    wanted = not unit  # a person unless a unit is named
    out = []
    for s in spans:
        before = [is_person for at, is_person in marks if at < s.start]
        if before and before[-1] == wanted:
            out.append(s)
    return out


NUMBER = Number()
