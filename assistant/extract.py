"""Answer-span extraction (答案抽取): numbers with units, dates and periods, enumerations,
responsible bodies and obligations, as ``[start, end)`` spans of a sentence. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)"
UNITS = (
    "万亩|万人|万户|万个|万元|亿元|万吨|亿斤|万亿斤|平方米|平方公里|公里|公顷|个百分点|立方米|千米|厘米|米|"
    "周岁|周年|个工作日|工作日|个月|个小时|小时|分钟|公斤|千克|毫克|毫升|学时|课时|"
    "座|个|名|人|户|家|项|亩|斤|吨|元|倍|年|天|日|次|所|条|批|类|岁|周|月|头|只|棵|株|台|辆|艘|层|套|度|处|间|"
    # Measure words of things counted (五百张床位, 三份材料, 两栋房屋, 一笔资金)
    "张|份|件|栋|幢|宗|笔|枚|盏|%|％|‰"
)
# 第 (and 笫, its common misprint) numbers an article, chapter or item: never a figure.
_ORDINAL = "第笫"
# A bound keeps the word forbidding to cross it: 不得少于三十五人, not 少于三十五人 (the opposite on its own).
_BOUND = "(?:(?:不得|不应|不能|不宜|未)?(?:超过|低于|高于|多于|少于)|不超过|不少于|不低于|不高于|不多于|不足|至少|至多|最多|最少|最高|最低)"
_RANGE_SEP = "(?:至|到|-|~|—|－)"
_QUANTITY = re.compile(
    rf"(?<![{_ORDINAL}\d.{CN_DIGITS}])"
    # A bound is part of the figure (不低于500元, 至少有一人, 多于二十人): the asked figure is the bound.
    rf"(?:{_BOUND}有?)?"
    # A rate: a period directly followed by a count (三年两次) is one figure.
    rf"(?:{_NUM}(?:年|个月|周|天|日)(?={_NUM}次))?"
    # Points of a score are written in digits (加5分); 十分 is "very". A range of shares is one figure
    # (百分之二至百分之四), as a range of amounts is.
    rf"(?:\d+(?:\.\d+)?分(?![钟之])|过半数|半数以上|超过[\u4e00-\u9fff]{{0,8}}?半数|百分之{_NUM}(?:{_RANGE_SEP}百分之{_NUM})?|千分之{_NUM}(?:{_RANGE_SEP}千分之{_NUM})?|{_NUM}分之{_NUM}|{_NUM}(?:多|余)?(?:万|亿)?(?:{UNITS})"
    rf"(?:{_RANGE_SEP}{_NUM}(?:万|亿)?(?:{UNITS}))?"
    # A range whose unit is written once (三至七人, 一至二名, 5-10人) is kept whole.
    rf"|{_NUM}{_RANGE_SEP}{_NUM}(?:万|亿)?(?:{UNITS}))(?:以上|以下|以内|左右)?"
    rf"(?:{_NUM}(?:{UNITS})(?:以上|以下))?"
)
# Units that number a document's parts (条、章、节、款、项、编、目): after a 第…条 reference (第十六条、
# 十七条; 第五条至七条) or before 规定 they point to a provision, not a quantity.
_PART_UNIT = "条章节款项编目"
_PART_BEFORE = re.compile(rf"[{_ORDINAL}][{CN_DIGITS}\d]+[{_PART_UNIT}](?:、|，|和|及|至|到|或者|或)$")
_PART_AFTER = re.compile(r"(?:的)?规定|所列|所称")
# A number that starts where a run of digits starts: a long run is then tried once, not from each digit.
_NUM_START = rf"(?<![\d{CN_DIGITS}]){_NUM}"
# A month of the year: 3月, 十二月.
_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
# A day of the year: 3月12日, 六月三十日, 农历九月初九, 5月的第三个星期日, 10月底, 三月中旬.
_MONTH_DAY = (
    rf"(?:农历)?{_MONTH}"
    r"(?:\d{1,2}[日号]|[一二三四五六七八九十]{1,3}[日号]|初[一二三四五六七八九十]|的第[一二三四五]个星期[日天一二三四五六]"
    r"|底|末|上旬|中旬|下旬)"
)
_DATE = re.compile(
    rf"(?:自|从|于|到|至|截至)?{_NUM_START}年{_NUM}月(?:{_NUM}[日号])?(?:起施行|起|前|以前|之前)?"
    rf"|(?:到|至)\s?{_NUM}年(?:底|末)?|“[十{CN_DIGITS}]+五”(?:期末|时期|期间)|{_NUM_START}年过渡期|过渡期"
    # A part of every year runs to its end day: 每年3月1日至6月30日, 每年十一月一日至次年四月三十日.
    # …or its month or its end: 每年的十一月份为森林防火宣传月, 每年年底前缴纳.
    rf"|每年[^，。；]{{0,6}}?(?:秋分日?|春分日?|{_MONTH_DAY}(?:(?:至|到|—|－|-)(?:次年|翌年)?{_MONTH_DAY})?"
    rf"|{_MONTH}份?(?![以之]?内|[\d一二三四五六七八九十])|年底|年末)(?:前|以前|之前)?|秋分日"
    # A span of the calendar from one day to another without 每年 (全省5月15日至9月30日为汛期).
    rf"|(?<![\d{CN_DIGITS}]){_MONTH_DAY}(?:至|到|—|－|-)(?:次年|翌年)?{_MONTH_DAY}"
    # A month's end as a deadline: 6月底前完成.
    rf"|(?<![\d{CN_DIGITS}]){_MONTH}(?:底|末)(?:前|以前|之前)"
    # How often, with its count when the clause gives one: 每季度核查一次, 至少每半年公布一次, 每周联系和交流一次.
    rf"|(?:至少)?每(?:半年|年|季度|季|月|周|星期)[^，。；：\d{CN_DIGITS}]{{0,8}}?[一二两三四\d]+次"
    # 每年度终了 / 每季度终了: once a year or a quarter, at its end (每年度 is every year, not a 年度 named).
    rf"|每(?:年度|季度)(?:终了|结束)?|每(?:年|季|月|日|天|周|星期)"
    # A period before or after an event: 十日内, 召开十日前, 三个工作日后.
    rf"|{_NUM_START}(?:个工作日|工作日|日|天|周|个月|年|个?小时)(?:内|以内|之内|前|以前|之前|后|以后|之后)"
    # A term: 任期为五年, 有效期三年, 为期两年; bounded: 有效期不超过六个月, 最长不超过十二个月.
    rf"|(?:延长|期限为?|为期|每隔|任期为?|有效期为?){_NUM}个?(?:年|月|日|天|工作日|小时)"
    # A term with its range: 草地的承包期为三十年至五十年; 仲裁的时效期间为二年.
    rf"|(?:(?<=期为)|(?<=期间为)){_NUM}个?(?:年|月)(?:至{_NUM}个?(?:年|月))?"
    # A time passed without something done, or exceeded: 二十四小时尚未扑灭明火, 超过三十日.
    rf"|{_NUM_START}个?(?:小时|日|天|月|年)(?=尚未|仍未|未能|还未)|(?:未|不得)?超过{_NUM}个?(?:小时|工作日|日|天|月|年)"
    # A time something runs before what follows: 经三个月试运行, 经公示七日.
    rf"|(?<=经){_NUM}个?(?:年|月|日|天|工作日)(?=试|公示|公告|观察|运行)"
    rf"|(?:不超过|不得超过|不少于|不得少于){_NUM}个?(?:年|月|日|天|工作日|小时)"
    # A term counted in cycles of the work itself: 不得少于该类作物两个生产周期, 经过一个潜伏期以上的监测.
    rf"|(?<![\d{CN_DIGITS}]){_NUM}个[\u4e00-\u9fff]{{0,4}}?期(?![限间满])(?:以上|以内)?"
    # From the month after: 从批准的次月起计发.
    rf"|(?:次月|当月)起"
    # How often or how early: 每三年调整一次, 每季度, 提前半年, 连续两年以上, 半年内.
    # …without 每: 至少三年修订一次, 两年开展一次 (a count closes it, so 三年内 or 三年以上 is not read here).
    rf"|(?<![\d{CN_DIGITS}])(?:至少|最少|最多)?(?!(?:19|20)\d{{2}}年){_NUM}个?(?:年|季度|月|周)[^，。；：\d{CN_DIGITS}]{{0,6}}?[一两\d]次"
    rf"|每{_NUM}个?(?:年|季度|月|周)|每半年|每季度|提前(?:{_NUM}个?(?:年|月|日|天|工作日|小时)|半年)"
    rf"|连续{_NUM}个?(?:年|月|日|天)(?:以上)?|半年(?:内|以内)"
    # A term before or after an event written unit last: 有效期满前3个月, 交工验收合格后一年.
    rf"|(?<=[满届起成格毕束])[前后]{_NUM}个?(?:工作日|年|月|日|天)"
    # A length reached: 累计缴费满十五年, 工作满一年.
    rf"|满{_NUM}个?(?:年|月|日|天)(?!龄)"
)
# A level may carry the kinds it covers in brackets: 乡（民族乡、镇）人民政府, 县（市、区）人民政府.
_LEVEL_KINDS = r"[省市县区乡镇]{1,2}（[\u4e00-\u9fff、]{1,12}）"
# 省、自治区、直辖市 names one level (the provincial), not a list ending in 市.
_PROVINCES = "省、自治区、直辖市"
_BODY = re.compile(
    rf"(?:{_LEVEL_KINDS}|县级以上地方|县级以上|省级|市级|县级|乡级|乡镇|设区的市级|{_PROVINCES}|当地|涉农区|区|市|县|省|国家|各级|地方各级)?"
    r"(?:地方)?(?:各级)?人民政府(?:[\u4e00-\u9fff]{0,8}?(?:部门|主管部门))?"
    rf"|(?:{_LEVEL_KINDS})?[\u4e00-\u9fff]{{0,14}}?(?:主管部门|行政部门|部门|委员会|办事处|机构|村民委员会|居民委员会)"
)
_ENUM_SEP = re.compile(r"[、，]|和|及|以及|与|或者|或")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    text: str


def quantities(sentence: str) -> list[Span]:
    """Figures with their unit (数量); structural numbering (第十七条, 第五条至七条) is never one."""
    return [
        Span(m.start(), m.end(), "quantity", m.group(0))
        for m in _QUANTITY.finditer(sentence)
        if not is_part_number(sentence, m.start(), m.end())
        and not _names_a_year(sentence, m.end())
        and not sentence.startswith("次性", m.end() - 1)  # 一次性补助, 一次性医疗器械: at once, not a count
    ]


def _names_a_year(sentence: str, end: int) -> bool:
    """Whether a figure ending in 年 is part of 年度 (上一年度, 本年度): a year named, not a period."""
    return sentence[end - 1] == "年" and sentence.startswith("度", end)


def is_part_number(sentence: str, start: int, end: int) -> bool:
    """Whether ``sentence[start:end]`` numbers an article, chapter, section or item (结构编号)."""
    if sentence[end - 1] not in _PART_UNIT:
        return False
    if _PART_BEFORE.search(sentence[max(0, start - 12) : start]):
        return True
    return bool(_PART_AFTER.match(sentence, end))


def dates(sentence: str) -> list[Span]:
    return [
        Span(m.start(), m.end(), "date", m.group(0))
        for m in _DATE.finditer(sentence)
        if not _names_a_year(sentence, m.end())
    ]


_LEVEL = re.compile(
    rf"(?:{_LEVEL_KINDS}|县级以上地方|县级以上|设区的市级|{_PROVINCES}|当地|省级|市级|县级|乡级|乡镇|涉农区|国家|各级|地方各级|省|市|区|县)?人民政府"
)


# A match may begin with the words before the body (报废条件由国务院…主管部门, …会同国务院…部门): it starts
# after the last preposition or verb that introduces the body (not 经 of 经营, 报 of 报告). 和/及 stay (住房和城乡建设主管部门).
_INTRODUCES_BODY = re.compile(
    r"^.*(?:由|向|经(?![营济费纪])|报(?![告酬刊社])|对(?![外口])|将|把|按照|依照|根据|会同|协同|^同"
    r"|接受|委托|提请|请求|通知|告知|协助|配合|移送|交由)(?=[\u4e00-\u9fff]{3})"
)


# The conjunctions that join two items of a list (…、环卫和绿化) or two bodies (…部门或者市场监督管理部门).
_JOINS = r"以及|和|及|与|或者"
# A body matched from the conjunction that joins it to the one before; bodies are also joined by 或 and 会同.
_JOINS_BODY = re.compile(rf"{_JOINS}|或|会同")


def bodies(sentence: str) -> list[Span]:
    """Responsible bodies (责任主体): 县级人民政府民政部门, 乡镇人民政府, 规划和自然资源部门 …"""
    out: list[Span] = []
    for m in _BODY.finditer(sentence):
        start, text = m.start(), m.group(0)
        # A match may begin with the verb before the body (…后报县级人民政府民政部门): start at its level.
        level = _LEVEL.search(text)
        if level and level.start() > 0:
            start, text = start + level.start(), text[level.start() :]
        elif opening := _INTRODUCES_BODY.match(text):
            start, text = start + opening.end(), text[opening.end() :]
        joined = _JOINS_BODY.match(text)
        if joined and out and out[-1].end == start:
            # 农业机械化主管部门或者市场监督管理部门: either body answers, so the span holds both.
            first = out.pop()
            start, text = first.start, first.text + text
        elif joined:
            start, text = start + joined.end(), text[joined.end() :]
        if len(text) >= 3:
            out.append(Span(start, start + len(text), "body", text))
    return out


# A body every level shares (县级以上人民政府, 各级人民政府有关部门): it names no one in particular.
_BROAD_BODY = re.compile(
    r"(?:县级以上地方|县级以上|地方各级|各级|国家)?(?:地方)?(?:各级)?(?:人民政府)?(?:及其)?(?:(?:有关|相关)(?:主管)?部门)?"
)


def is_broad_body(text: str) -> bool:
    """Whether a responsible body is a broad one (县级以上人民政府, 有关部门) rather than a named one."""
    return bool(text) and bool(_BROAD_BODY.fullmatch(text))


_ITEM_VERB_END = "展施行进强持化大好括为有是等在对把将的受"  # …内的观光车、缆车: 的 ends the modifier
# Words that start with such a character but end nothing (有关规定享受…: the item starts after 享受).
_NOT_VERB_ENDS = frozenset({"有关", "为主", "对象", "行政", "进行", "大型", "等级", "在内"})
_ITEM_JOIN = re.compile(_JOINS)


def _item_lengths(text: str, first: int) -> list[int]:
    """Lengths of the items after the first 、 of a run (the last one cut at 和/及 and at 等)."""
    rest = text[first + 1 :]
    cut = _etc_at(rest)
    if cut > 0:
        rest = rest[:cut]
    items = rest.split("、")
    items[-1:] = [p for p in _ITEM_JOIN.split(items[-1]) if p]
    return [len(p) for p in items if p]


# What opens a clause before the things it lists: an article number, a preposition, the policy verbs that
# govern a list (健全劳动、资本… / 倡导孝老爱亲、尊重妇女…), read before the first item.
_CLAUSE_OPENING = re.compile(
    r"(?:第[一二三四五六七八九十百零〇\d]+条\s*)?(?:由(?!于)|对(?![象外口])|向|将(?!来)|把|在(?![职校岗])|从(?![事业])|经(?![营济费常过验纪销])|按照|按|依照|根据"
    r"|包括|其中|以及){0,2}"
    r"(?:严厉|积极|大力|全面|依法)?(?:(?:健全|完善|破除|打击|推广|倡导|鼓励|支持|加强|推进|推动|发展|实施|建立|开展"
    r"|指导|提高|促进|落实|引导|保障|实行|坚持|通过|发布|做好|强化|优化|深化|统筹|培育|扶持)(?:和|、)?)*"
)


def enumerations(sentence: str) -> list[Span]:
    """Runs like ``A、B、C和D``: at least three items, or two joined by 和/及 after a 、.

    The first item starts after the verb before it (发展/实施…), unless that would leave it shorter
    than every other item (以我为主 is cut at 为, 大豆 at 大): then it is as long as the longest one."""
    out: list[Span] = []
    for clause in re.finditer(r"[^，。；：！？,;:!?]+", sentence):  # ASCII marks too (…公布;)
        original = clause.group(0)
        # A parenthesis belongs to the item it follows (高中教育(含中等职业教育)): it is read as filler
        # of its own length, so offsets stay those of the clause.
        text = _PARENTHESIS.sub(lambda m: "□" * len(m.group(0)), original)
        if text.count("、") >= 1 and len(text) <= 120:
            first = text.find("、")
            lengths = _item_lengths(text, first) or [2]
            shortest, longest = min(lengths), min(max(lengths), 12)
            filler = text[:first].count("□")  # a parenthesis in the first item adds to its reach
            heads = [
                i
                for i in range(max(0, first - 12 - filler), first)
                if text[i] in _ITEM_VERB_END
                and first - i - 1 - filler >= shortest
                and text[i : i + 2] not in _NOT_VERB_ENDS
                and (text[i] != "受" or (i > 0 and text[i - 1] in "享接遭承"))  # 享受, not 受害人
            ]
            announced = _ANNOUNCES_ITEMS.search(text, max(0, first - 14 - filler), first)
            if announced and first - announced.end() >= 2:
                # 项目包括土地治理项目、…: the verb that announces the items, however short the first
                begin = announced.end()
            elif heads:
                begin = heads[-1] + 1
            elif first - filler <= 12:
                # No verb before it in a short clause: the first item is the clause itself, after a
                # clause's opening (由农业生产经营组织、村民委员会等 → 农业生产经营组织), not a cut of the others' length.
                opening = _CLAUSE_OPENING.match(text)
                begin = opening.end() if opening and opening.end() < first else 0
            else:
                begin = max(0, first - longest - filler)
            tail = _etc_at(text)
            end = tail if tail > first else len(text)
            begin = past_join(text, begin, end)
            out.append(Span(clause.start() + begin, clause.start() + end, "items", original[begin:end]))
    return out


# A span read from the middle of a coordination (…，并给予资金、物资; 支持和引导退休人员…) starts after the
# conjunction that joined it to what comes before (及时 and 并且 are words, not joins).
_LEADING_JOIN = re.compile(r"(?:或者|以及|并(?!且)|和|及(?!时))(?=[\u4e00-\u9fff])")


def past_join(text: str, begin: int, end: int) -> int:
    """``begin``, moved past a conjunction that ``text[begin:end]`` opens with when two characters or more
    remain after it."""
    join = _LEADING_JOIN.match(text, begin)
    return join.end() if join and end - join.end() >= 2 else begin


_PARENTHESIS = re.compile(r"[（(][^（()）]{0,30}[)）]")
# Verbs that announce the items after them whatever their length (包括土地治理项目、产业化经营项目…).
_ANNOUNCES_ITEMS = re.compile(r"包括|包含|分为|分成|划分为")
# 等 closing a run (A、B、C等) — not the 等 of 高等, 平等, 同等, 等级, 等于.
_ETC = re.compile(r"(?<![高平同对均相初中上下优次一二三四])等(?![级待候于同])")


def _etc_at(text: str) -> int:
    """Where the last 等 that closes a run is, or -1."""
    found = [m.start() for m in _ETC.finditer(text)]
    return found[-1] if found else -1


# Numbered items (列项): （一）/(一), 一是, 一、 and 1. 1、 at the start of an item.
_ITEM = re.compile(
    r"[（(](?P<paren>[一二三四五六七八九十]+|\d+)[)）]|(?P<shi>[一二三四五六七八九十]+)是"
    r"|(?P<arabic>\d+)(?:[.．、](?!\d))|(?P<dun>[一二三四五六七八九十]+)、"
)
_ITEM_END = re.compile(r"[；;。\n]")
LEAD_IN_END = ("：", ":")


def opens_numbered_item(text: str) -> bool:
    """Whether ``text`` opens with a bracketed item number (（三）, (3)), as an item of a list does."""
    m = _ITEM.match(text)
    return m is not None and m.group("paren") is not None


def _numeral(text: str) -> int:
    """一…九十九 or digits as a number (item numbering only)."""
    if text.isdigit():
        return int(text)
    values = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (values.get(tens, 1) if tens else 1) * 10 + (values.get(ones, 0) if ones else 0)
    return values.get(text, 0)


def listed_items(text: str, pos: int, limit: int) -> Span | None:
    """The numbered items that follow a lead-in (下列… / 包括：) from ``pos`` on: (一)…；(二)…, 一是…；二是…
    or 1. … 2. …, numbered in order, across sentences and lines. The span runs from the first item to
    the end of the last one that keeps it within ``limit`` characters; at least two items, else None.
    Its ``text`` is the items without their numbering, joined by ；."""
    i = pos
    while i < len(text) and text[i] in " \t\n\u3000":
        i += 1
    start, end = i, i
    items: list[str] = []
    while True:
        m = _ITEM.match(text, i)
        if not m or _numeral(next(g for g in m.groups() if g)) != len(items) + 1:
            break
        stop = _ITEM_END.search(text, m.end())
        item_end = stop.end() if stop and stop.group(0) != "\n" else stop.start() if stop else len(text)
        if item_end - start > limit and items:
            break
        items.append(text[m.end() : item_end].strip(" ；;。，\u3000"))
        end = item_end
        i = item_end
        while i < len(text) and text[i] in " \t\n\u3000":
            i += 1
    if len(items) < 2:
        return None
    return Span(start, end, "listed", "；".join(items))


def lead_in_items(text: str, start: int, end: int, limit: int) -> Span | None:
    """When ``text[start:end]`` announces a list (it ends with ：, or its ： is followed by item 一),
    the items it announces (offsets into ``text``); else None."""
    sentence = text[start:end]
    if sentence.endswith(LEAD_IN_END):
        return listed_items(text, end, limit)
    colon = max(sentence.rfind(c) for c in LEAD_IN_END)
    if colon >= 0 and _ITEM.match(sentence, colon + 1):
        return listed_items(text, start + colon + 1, limit)
    return None


_HAS_NUMBER = re.compile(rf"\d|[{CN_DIGITS}](?:{UNITS})")


def has_number(text: str) -> bool:
    return bool(_HAS_NUMBER.search(text))


FIGURE = re.compile(rf"\d+(?:\.\d+)?%?|(?<!\d)[{CN_DIGITS}]{{1,6}}(?={UNITS}|分之)|百分之[{CN_DIGITS}]+")


def figures(text: str) -> list[str]:
    """Every number or date figure in a text (used to verify answers against their citations)."""
    return [
        m.group(0) for m in FIGURE.finditer(text) if not re.fullmatch(r"[一二三四五六七八九十]", m.group(0))
    ]
