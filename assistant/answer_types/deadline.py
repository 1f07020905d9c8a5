"""时间题 (deadline): 什么时候、多久、期限 — a date or a period."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo, bounded, unstated
from assistant.extract import Span, dates, quantities

# 几月到几月, 几月份, 到几月, 几月起: a question of months of the calendar (one fragment for every pattern
# that reads one).
_MONTHS_ASKED = r"几月份?(?:到|至|起)|几月份|(?:到|至)几月"
# 时侯 is the usual misspelling of 时候; 开始实行 the usual colloquial 施行.
_DEADLINE = re.compile(
    rf"什么时[候侯]|啥时[候侯]|何时|哪天|哪一天|哪一?个月|几月几[日号]|{_MONTHS_ASKED}|多长时间|多久|期限|截止|过渡期|时间限制|几天内|几日内|多少天|几年内|哪一?年|[多几]长时间|多少年"
)
# Words of taking effect name the topic, not what is asked: 裁决生效了，去哪里申请执行 asks where, so
# they decide only after every question word has had its say (本法施行日期 is still a date).
_TAKES_EFFECT_TOPIC = re.compile(r"开始实行|起实行|起施行|开始施行|施行|生效")

# When a document takes effect is a calendar date (自2025年5月1日起施行), never a period.
_TAKES_EFFECT = re.compile(r"施行|生效|开始实行|起实行|实施(?:的|了)?(?:时间|日期)|开始实施|起实施")
# …自2019年9月1日起施行: the date of taking effect is the one the effect verb follows; 2007年12月1日公布的
# 暂行条例同时废止 dates another act.
_EFFECT_FOLLOWS = re.compile(r"[起开始]{0,2}(?:施行|生效|实施|实行)")
# 内 / 前 / 后 ask a period (几天内, 开工前, 多久以后), not inside a word (后来, 前面, 内容).
_ASKS_PERIOD = re.compile(r"多久|多长|几[天日周年]|几个月|多少[天日年]|期限|[以之]?[内前后](?![来面边容部])")
# A digit run is read once (lookbehind) and 年…月 stops at the next 年, so a search stays linear.
_CALENDAR = re.compile(r"(?<!\d)\d+年|年[^\s年]{0,4}月|[〇零一二三四五六七八九]{4}年")
# A year of the calendar (2025年, 二〇三五年), not a length of years (2年以上).
_YEAR_NAMED = re.compile(r"(?<!\d)\d{4}年|[〇零一二三四五六七八九]{4}年")
# 什么时候 asks when: a date, or the event something is tied to (在合同生效时, 在验收合格后).
_ASKS_WHEN = re.compile(rf"什么时[候侯]|啥时[候侯]|何时|哪天|哪一天|哪一?个月|{_MONTHS_ASKED}")
# 从批准的次月起计发, 自被录用、聘用下月起停发: a month or year counted from an event.
_NEXT_TERM = re.compile(r"(?:自|从)[^，。；：]{0,10}?(?:次|下|当|翌)[月年日]起?")
_EVENT_TIME = re.compile(
    r"(?<=在)[\u4e00-\u9fff]{1,14}?(?:之时|时|之前|以前|之后|以后|前|后)(?=[，,]?[\u4e00-\u9fff])"
)
# 啥时候之前 / 什么时候以后 ask by when (a point in time, 汛前 / 雨季到来之前), not a period.
_BY_WHEN = re.compile(r"(?:什么时[候侯]|啥时[候侯]|何时)(?:之|以)?[前后]")
# 多长时间…一回 / 隔多久…一次 ask how often: 列入年度财政预算 says once a year.
_ASKS_OFTEN = re.compile(r"(?:多久|多长时间|隔多久|几年)[^，。？?]{0,8}一[次回趟遍]")
_YEARLY = re.compile(r"(?<![上本该当前下一])年度")
# 什么时候是重点防范期 is answered by the period a clause names (将水位升降期确定为…, 在汛期, 进入紧急防汛期).
_NAMED_PERIOD = re.compile(r"(?<=[将在于为是入至到、，])[\u4e00-\u9fff]{1,5}?期(?![限间满])")
# …的设计、施工和验收应当与主体工程的设计、施工、验收同时进行: done alongside another work answers when.
_ALONGSIDE = re.compile(r"与[^，。；：]{2,20}?同时(?:进行|设计|施工|投入使用|投产)?")
# 啥时候公开 is answered by how soon, when no date is set: 重大事项应当及时公布, 定期核查.
_PROMPTLY = re.compile(r"(?:及时|立即|随时|定期|即时|当即|当场)[\u4e00-\u9fff]{1,4}")
# …开工前，项目法人应当…签订协议: a clause that opens the sentence and ends in 前 / 后 times the rule.
_OPENING_TIME = re.compile(
    r"(?:第[一二三四五六七八九十百零〇\d]+条\s*)?([\u4e00-\u9fff]{2,16}?(?:之前|以前|前|之后|以后|后))(?=[，,])"
)
_ASKS_DAY = re.compile(r"几月几[号日]|哪天|哪一天|几号")
# 从哪天算起 is answered by the day of an event (为纳税人收到…书面通知的当日, 自批准之日起) when no date is set.
_EVENT_DAY = re.compile(r"(?<=[为自从于])[^，。；：]{2,30}?(?:之日|当日|当天)")
_ASKS_MONTH = re.compile(_MONTHS_ASKED)
_MONTH = re.compile(r"(?<!\d)\d+月|(?<![一二三四五六七八九十])[一二三四五六七八九十]+月|月底|月末|月初")
# 每年的四月份, 每年3月: a month of the calendar named alone (not 四个月, a length; not 三月内, a period).
_MONTH_OF_YEAR = re.compile(
    r"(?:(?<!\d)\d{1,2}|(?<![一二三四五六七八九十])(?:十[一二]?|[一二三四五六七八九]))月份?(?![以之]?内|[\d一二三四五六七八九十初底末上中下])"
)
_ASKS_YEAR = re.compile(r"哪一?年")  # 到哪一年全面建成: a year of the calendar (到二〇三五年), not 每年
# A numeral is read from where its run starts (the lookbehinds), so a long run of digits is tried once.
_DAY = re.compile(
    r"(?<!\d)\d+(?:月|[日号](?![以之]?内))|(?<![一二三四五六七八九十])[一二三四五六七八九十]+(?:月|[日号](?![以之]?内))"
    r"|初[一二三四五六七八九十]|星期|月底|月末|年底|年末|秋分|春分"
)
# 多少年 / 几个月 counts a period in its unit; a figure of years or months answers it.
_COUNTS_UNITS = re.compile(r"(?:多少|几)个?(?:年|月|天|日|周)|多久|多长时间")
_DURATION = re.compile(r"(?:年|个月|天|日|周)(?:以上|以下|以内|左右)?$")
# 提前多久, 多少天前 ask how early something is done (期满前3个月, 提前三个月), not a time allowed after it
# (受理之日起15日内).
_ASKS_AHEAD = re.compile(r"提前|前(?:多久|多长|几|多少)|(?:多久|多长时间|几天|几个月)(?:以|之)?前")


# The time units a question's 多少年 / 几天 can be answered in: 保存多少年 is not answered by 五日内.
_SCALES = {
    "年": ("年", "月"),
    "月": ("月", "年", "日", "天"),
    "天": ("日", "天", "小时"),
    "日": ("日", "天", "小时"),
}
_SPAN_UNIT = re.compile(r"年|月|周|日|天|小时")


def _matched(pattern: re.Pattern[str], sentence: str) -> list[Span]:
    """Every match of ``pattern`` in ``sentence`` as a time span."""
    return [Span(m.start(), m.end(), "date", m.group(0)) for m in pattern.finditer(sentence)]


def _apart(extra: Sequence[Span], found: Sequence[Span]) -> list[Span]:
    """The spans of ``extra`` that overlap none of ``found`` (a date already read is not read twice)."""
    return [x for x in extra if not any(d.start < x.end and x.start < d.end for d in found)]


def _of_scale(info: QuestionInfo, spans: Sequence[Span]) -> list[Span]:
    """The spans in a unit the question's asked unit allows (all when it asks none): 过渡期后 states no
    length, so it does not answer 过渡期是几年."""
    allowed = _SCALES.get(info.unit or "")
    if allowed is None:
        return list(spans)
    out = []
    for s in spans:
        units = _SPAN_UNIT.findall(s.text)  # the last one is the span's own: 每年…三个月 is in months
        if units and units[-1] in allowed:
            out.append(s)
    return out


def _ahead(info: QuestionInfo, spans: Sequence[Span]) -> list[Span]:
    """The spans of the kind asked: how early (…前) for 提前多久, all of them otherwise."""
    if not _ASKS_AHEAD.search(info.text):
        return list(spans)
    return [s for s in spans if "前" in s.text]


def _fitting(info: QuestionInfo, spans: Sequence[Span]) -> list[Span]:
    """The spans that answer what is asked: in an allowed unit, of the kind asked (how early or not),
    bounded the way asked. The others (a floor for a ceiling, a time allowed for how early, days for
    years) are on topic only."""
    return bounded(info, _ahead(info, _of_scale(info, spans)))


class Deadline(AnswerType):
    name = "deadline"
    labels = ("时间", "期限", "日期", "时限")
    cues = (
        # before yes/no: 期限是不是…; 承包期多长 asks a period as 多长时间 does
        Cue(10, re.compile(r"时间限制|期限|过渡期|多久|多长时间|时效|期[^，。？?]{0,3}多长")),
        # Before number: 几天内, 多少天里, 最晚几天 ask for a period.
        Cue(
            50,
            re.compile(
                r"(?:几|多少)个?(?:天|日|周|个月|小时|钟头|钟点)(?:内|里|之内|以内)|最晚几天|最迟几天|提前几天"
            ),
        ),
        Cue(70, _DEADLINE),
        Cue(95, _TAKES_EFFECT_TOPIC),
    )
    lead_chars = 20
    prefers_specific = True
    asks_figure = True

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        found = dates(sentence)
        if _ASKS_OFTEN.search(info.text):
            # only a 年度 of what is asked about (年度财政预算 for 往财政预算里列一回, not 年度计划 for 换证)
            yearly = [s for s in _matched(_YEARLY, sentence) if sentence[s.end : s.end + 2] in info.text]
            found += _apart(yearly, found)
        if _ASKS_WHEN.search(info.text) and not _ASKS_PERIOD.search(_BY_WHEN.sub("", info.text)):
            # 补助费啥时候给 is answered by an event (在退耕还林合同生效时一次付清) when no date is set
            events = _matched(_EVENT_TIME, sentence)
            if opening := _OPENING_TIME.match(sentence):
                events.append(Span(opening.start(1), opening.end(1), "date", opening.group(1)))
            found += _apart(events, found)
            for pattern in (_PROMPTLY, _NEXT_TERM, _NAMED_PERIOD, _ALONGSIDE):
                found += _apart(_matched(pattern, sentence), found)
        # 什么时候施行 wants the day, not 十日前 of some meeting (施行后多久 still asks for a period).
        if _TAKES_EFFECT.search(info.text) and not _ASKS_PERIOD.search(info.text):
            effective = [
                s
                for s in found
                if _CALENDAR.search(s.text)
                and (_EFFECT_FOLLOWS.search(s.text) or _EFFECT_FOLLOWS.match(sentence, s.end))
            ]
            # 审计意见书自送达之日起生效: without a calendar date, the event the effect runs from.
            return effective or [
                s for s in _matched(_EVENT_DAY, sentence) if _EFFECT_FOLLOWS.match(sentence, s.end)
            ]
        if _ASKS_YEAR.search(info.text):
            return [s for s in found if _CALENDAR.search(s.text)]
        if _ASKS_MONTH.search(info.text):
            # 禁渔期是几月到几月 asks months of the calendar: 每年 or 汛期 names none
            # 每年的四月份 is read as the month itself (四月份) when a month is asked.
            months = _matched(_MONTH_OF_YEAR, sentence)
            found = [*_apart(found, months), *months]
            return [s for s in found if _MONTH.search(s.text)]
        if _ASKS_DAY.search(info.text):
            # 几月几号 / 哪天 asks a day of the calendar: 每年 or 汛期前 names none
            days = [s for s in found if _DAY.search(s.text)]
            return days + _apart(_matched(_EVENT_DAY, sentence), days)
        if _COUNTS_UNITS.search(info.text):
            # 禁渔要坚持多少年 counts years: 长江十年禁渔 states them though no 内/前/后 follows.
            counts = [
                q for q in quantities(sentence) if _DURATION.search(q.text) and not _YEAR_NAMED.search(q.text)
            ]
            found += _apart(counts, found)
        return found

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if not spans:
            return 0.0
        return 1.0 if _fitting(info, spans) else 0.2

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        chosen = _fitting(info, spans) or bounded(info, spans) or list(spans)
        return super().pick(info, sentence, unstated(info, chosen), terms)

    def strict(self, info: QuestionInfo) -> bool:
        return True  # 什么时候 needs a date or period; a sentence without one does not answer it


DEADLINE = Deadline()
