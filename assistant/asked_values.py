"""What kind of value a question asks (取值约束), and whether the evidence states one: an amount per
unit (每平方米罚多少), a time of day, a colour, a discount, a ratio. A clause on the topic that states no
such value is about the topic, not the value, and the answer says which value the documents do not give.
Constraints on documents, years, regions and subjects are in :mod:`assistant.constraints`.
"""

from __future__ import annotations

import re

from assistant.answer_types import QuestionInfo
from assistant.answer_types.base import bounds_how_often
from assistant.constraints import Unmet
from assistant.extract import opens_numbered_item
from assistant.reader import Evidence
from assistant.term_match import occurrences
from corpus.tokenize import default_tokenizer, word_offsets

__all__ = [
    "acting_item_first",
    "unstated_act",
    "unstated_bound",
    "unstated_payer",
    "unstated_rate",
    "unstated_term",
    "unstated_value",
]


# 每平米罚多少 / 一亩地补多少钱 / 一头母猪补多少: an amount per unit is asked (计量单位). A clause that
# states an amount without that unit (1000元以下罚款, 倍) is another kind of figure: a lump sum or a
# multiple, not the rate asked. Of the opened question sets' answerable per-unit questions, every gold
# clause states 每 with the unit asked (每株 for a 棵 asked).
_PER_UNIT_ASKED = re.compile(
    r"(?:每|一)(?:一)?(平方米|平米|平方|亩|公顷|立方米|头|只|株|棵|吨|斤|公斤|千克)"
    r"[^，。？?！!\d]{0,6}?(?:多少|几)"
)
_UNIT_FORMS = {
    "平米": ("平方米", "平米"), "平方": ("平方米", "平米"), "平方米": ("平方米", "平米"),
    "棵": ("棵", "株"), "株": ("棵", "株"), "公斤": ("公斤", "千克"), "千克": ("公斤", "千克"),
}  # fmt: skip


def unstated_rate(info: QuestionInfo, sentence: str) -> Unmet | None:
    """A refusal when a figure per unit is asked (一亩地补多少钱) and the evidence's sentence states no
    amount per that unit (每亩, 元/亩): its figure is a lump sum or a multiple, not the rate asked."""
    if not info.answer_type.asks_figure:
        return None
    m = _PER_UNIT_ASKED.search(info.text)
    if m is None:
        return None
    forms = _UNIT_FORMS.get(m.group(1), (m.group(1),))
    if any(f"每{f}" in sentence or f"/{f}" in sentence or f"每一{f}" in sentence for f in forms):
        return None
    return Unmet("rate", f"现有文件中没有按每{forms[0]}计的标准，无法据此回答。")


# Kinds of value a question may ask that only their own expression states (取值类型): a time of day
# (几点开门), a colour (刷啥颜色), a discount (打几折), a ratio (几比几). A clause without one is about the
# topic, not the value: 公布信访接待的时间和地点 says no hour. 几点 asking how many points (有几点要求) is no
# time of day, so only 几点 with a verb of opening, closing or arriving asks one.
_VALUES_ASKED: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "具体时间",
        re.compile(r"几点(?:钟|开门|关门|上班|下班|开始|结束|以前|之前|前|到|截止)"),
        re.compile(r"\d{1,2}[:：]\d{2}|[0-9零一二两三四五六七八九十]{1,3}(?:点|时)(?!钟头)"),
    ),
    (
        "颜色",
        re.compile(r"(?:啥|什么|哪种|哪个|哪些)颜色|(?:啥|什么)色(?!彩)|颜色是"),
        re.compile(r"[红黄蓝绿白黑紫橙灰棕青]色|颜色"),
    ),
    (
        "折扣",
        re.compile(r"几折|打折"),
        re.compile(r"[一二三四五六七八九\d]折|折扣|半价|减半|免票|免购|免费乘"),
    ),
    (
        "比例",  # 按每天千分之几算, 拿出几成: a share, which a clause states as 分之, %, 成 or 比例
        re.compile(r"[千百万]分之(?:几|多少)|几成|几个百分点|(?:多大|多少)比例|比例(?:是)?多少"),
        re.compile(r"分之|[%％]|[一二两三四五六七八九十半]成|百分点|比例"),
    ),
    (
        "比例",
        re.compile(r"几比几"),
        re.compile(r"[0-9一二两三四五六七八九十]{1,4}\s{0,2}[:：∶比]\s{0,2}[0-9一二两三四五六七八九十]"),
    ),
)


def unstated_value(info: QuestionInfo, sentence: str) -> Unmet | None:
    """A refusal when the question asks a time of day, a colour, a discount, a share or a ratio and the
    evidence's sentence states none: what it says is about the topic, not the value asked."""
    for label, asked, stated in _VALUES_ASKED:
        if asked.search(info.text) and not stated.search(sentence):
            return Unmet("value", f"现有文件中没有规定{label}，无法据此回答。")
    return None


# 有效期是几年 / 保护期多少年 / 任期几年: the length of a named term (期限) is asked. A clause giving another
# time limit (自收到申请之日起10个工作日内办理) is about a step, not the term: of the opened sets' questions asking a
# named term's length, the answerable ones' gold clauses state the term (有效期三年, 公告时间不少于三十日,
# 承包经营权期限可以延长到70年); the unanswerable ones were answered with such another limit.
# 任期里至少参加几次 asks a count within the term and 期限/期间/期满 are other words: only a length asked of
# the term itself (几年, 多少天, 多长, 多久) counts.
_TERM_ASKED = re.compile(
    r"([\u4e00-\u9fff]{1,2})期(?![限间满内末初望待盼货])[^，,。？?！!、\d]{0,6}?"
    r"(?:(?:几|多少)个?(?:年|月|天|日|周|小时)|多长|多久)"
)
# 期 that ends no named term: 到期, 过期, 限期, 定期, 长期, 分期, 首期, 按期, 星期, 时期, 前期, 后期, 逾期 …
_NOT_A_TERM = frozenset("到过限定长分首按星时前后逾同近预初中末早周学日工假")
_BEFORE_STEM = frozenset("的是在里了这那个年每其该本一")  # 村委会的任期: the stem is 任
_TERM_STATED = re.compile(
    r"^.{0,6}?(?:期|时间|年限|[0-9零一二两三四五六七八九十百]+个?(?:日|天|年|月|小时|周))"
)


def _asked_term(question: str) -> str | None:
    """The stem of the named term whose length is asked (有效期是几年 → 有效), or None: the word the tokenizer
    reads ending at that 期 (重庆汛期 → 汛), else the one or two characters before it."""
    m = _TERM_ASKED.search(question)
    if m is None or m.group(1)[-1] in _NOT_A_TERM:
        return None
    at = m.end(1)
    for start, end in word_offsets(question, default_tokenizer().words(question)):
        if start < at < end and question[end - 1] == "期" and end - start >= 2:
            return question[start : end - 1]
    stem = m.group(1)
    return stem[1:] if len(stem) == 2 and stem[0] in _BEFORE_STEM else stem


def unstated_term(info: QuestionInfo, sentence: str) -> Unmet | None:
    """A refusal when the length of a named term is asked (有效期是几年) and the evidence's sentence does not
    state that term: its figure (10个工作日内) limits another step."""
    if not info.answer_type.asks_figure:
        return None
    stem = _asked_term(info.text)
    if stem is None:
        return None
    for at in occurrences(sentence, stem):
        # the term, or its stem followed within six characters of its clause by 期, 时间, 年限 or a duration
        clause = _CLAUSE.match(sentence, at + len(stem))
        if clause is not None and _TERM_STATED.search(clause.group(0)[:16]):
            return None
    return Unmet("value", f"现有文件中没有规定{stem}期的期限，无法据此回答。")


# 审计费用由谁来出, 钱谁掏: who pays is stated only where the answer speaks of the cost. Of the opened sets'
# answerable questions asking it, every answer quoting the gold clause names the cost (费用, 经费, 承担 …); the
# unanswerable ones were answered with a body doing something else (the auditor, the valuer). Read on the
# whole composed answer: a two-part question (培训几次？钱谁出？) may state the cost in its second sentence.
_PAYER_ASKED = re.compile(
    r"(?:钱|费|经费|补助|补贴|补偿)[^。？?]{0,8}?(?:谁|哪个|哪一级|哪儿|哪里)来?(?:出|掏|承担|负担|付|给|拿|补)"
    r"|谁来?(?:出|掏|付|给)钱"
)
_COST_STATED = re.compile(r"费|资金|钱|承担|负担|支付|预算|补助|补贴|补偿|报销|列支|拨付|出资")


def unstated_payer(info: QuestionInfo, answer: str) -> Unmet | None:
    """A refusal when the question asks who pays and the composed answer speaks of no cost."""
    if _PAYER_ASKED.search(info.text) and not _COST_STATED.search(answer):
        return Unmet("value", "现有文件中没有规定费用由谁承担，无法据此回答。")
    return None


# 去哪个部门申请 / 找谁审批 / 辞职报告交给谁: a who-or-where question about one act (申请, 审批, 辞职, 认定 …) is
# answered only by a clause that speaks of that act. A body named in a clause on the same topic doing something
# else (各级人民政府…给予救助 for 轮椅去哪申请; 由…备案 for 销户找谁批) is not who handles it. Of the opened sets'
# who-questions naming one of these acts, the answers that were right quote a clause stating the act; the ones
# naming no such clause were the unanswerable questions and wrong answers.
_WHO_OR_WHERE = re.compile(
    r"谁|哪个部门|哪些部门|哪个单位|什么部门|什么单位|哪里|哪儿|找哪|向哪|去哪|到哪|上哪|往哪"
)
_ACTS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("申请", re.compile(r"申请"), re.compile(r"申请|申领|申报|提出")),
    (
        "审批",
        re.compile(r"审批|批准|(?:谁|哪[个里儿级]?\S{0,4}?)来?批(?!评)"),
        re.compile(r"审批|批准|同意|核准|审核|审定|决定|许可"),
    ),
    ("辞职", re.compile(r"辞职|辞去"), re.compile(r"辞职|辞去")),
    ("认定", re.compile(r"认定"), re.compile(r"认定|确认|评定|鉴定")),
    ("登记", re.compile(r"登记"), re.compile(r"登记")),
    ("备案", re.compile(r"备案"), re.compile(r"备案")),
    # 审计证是哪个部门发的 / 屠宰证谁发 / 补偿款谁发到手里 / 预警由哪个部门发: who issues or pays out, not who
    # organises the matter (审计…由乡镇人民政府负责组织 names no one issuing a 审计证).
    (
        "发放",
        re.compile(r"(?:谁|哪[个里儿级]?\S{0,4}?)来?(?:发(?!布|生|现|展|起|出)|颁发|核发|发放)"),
        re.compile(r"颁发|核发|发放|发给|签发|换发|补发|印发|下发|发出|发布|兑付|支付|拨付|给予|发证|证书"),
    ),
    # 优待证上哪儿办 / 采伐证找谁办 / 证丢了找谁补办: where a certificate is got is where it is issued or applied
    # for (核发, 申请, 补发 …), not a clause on the scheme it belongs to (制定优待老年人的办法).
    (
        "办证",
        re.compile(r"办\S{0,8}?证|证\S{0,6}?办|领\S{0,6}?证|补办|换证"),
        re.compile(r"核发|颁发|发放|发给|换发|补发|申办|办理|领取|申领|申请|受理|发证"),
    ),
    ("转移", re.compile(r"转到|转移|转出|转入|转回"), re.compile(r"转移|转入|转出|转回|转接")),
    ("注销", re.compile(r"销户|注销"), re.compile(r"注销|销户|撤销")),
    (
        "举报投诉",
        re.compile(r"举报|投诉|反映|报案|告状"),
        re.compile(r"举报|投诉|控告|检举|反映|报告|申诉|提出|请求"),
    ),
)


_CLAUSE = re.compile(r"[^，,。？?！!；;]+")
_BARE_DEED = re.compile(r"办|提|交|递|报")  # 找谁提 / 找哪个部门办: the act is in the clause before


def asked_acts(question: str) -> list[tuple[str, re.Pattern[str]]]:
    """The acts (and the forms that state them) a question asks who or where of: those in its who-clause
    (村里的集体账户要销户，找谁审批 → 审批), or in the clause before when that one only says 办/提/交 (想辞职不干了，
    找谁提 → 辞职). An act elsewhere in the question is its situation (申请的材料交到学校以后…由谁来落实)."""
    clauses = [m.group(0) for m in _CLAUSE.finditer(question)]
    found: list[tuple[str, re.Pattern[str]]] = []
    for i, clause in enumerate(clauses):
        who = _WHO_OR_WHERE.search(clause)
        if who is None:
            continue
        act = _nearest_act(clause, who.start())
        if act is None and i > 0 and _BARE_DEED.search(clause):
            act = _nearest_act(clauses[i - 1], len(clauses[i - 1]))
        if act is not None and act not in found:
            found.append(act)
    return found


def _nearest_act(clause: str, at: int) -> tuple[str, re.Pattern[str]] | None:
    """The act named nearest to position ``at``: 五保户申请最后是谁批 asks who approves (批), not who applies."""
    named = [
        (abs(m.start() - at), label, stated) for label, asked, stated in _ACTS for m in asked.finditer(clause)
    ]
    if not named:
        return None
    _, label, stated = min(named, key=lambda n: n[0])
    return label, stated


def unstated_act(info: QuestionInfo, quote: str) -> Unmet | None:
    """A refusal when a who-or-where question asks of an act (申请, 审批 …) and the answer's lead quote
    states none of its forms: the body it names does something else there."""
    if not info.answer_type.names_who_acts:
        return None
    for label, stated in asked_acts(info.text):
        if not stated.search(quote):
            return Unmet("value", f"现有文件中没有规定由谁负责{label}，无法据此回答。")
    return None


# A lead-in announcing steps or items (申请最低生活保障，按照下列程序办理：); its items open with （一）, (二) …
_LEAD_IN = re.compile(r"下列|如下|[：:]\s*$")
_ITEMS_REACH = 600  # characters after a lead-in its items are looked for in


def acting_item_first(info: QuestionInfo, evidence: list[Evidence]) -> list[Evidence]:
    """For a who-or-where question of an act (低保申请最后谁审批), a lead that only announces the steps
    (申请最低生活保障，按照下列程序办理：) states no act: its item that states the act (（二）…报县级人民政府
    民政部门审批) leads instead. Only the lead-in's own items qualify, so the answer stays in its rule."""
    if not evidence or not info.answer_type.names_who_acts:
        return evidence
    lead, acts = evidence[0], asked_acts(info.text)

    def states_acts(text: str) -> bool:
        return all(stated.search(text) for _, stated in acts)

    if not acts or not _LEAD_IN.search(lead.text) or states_acts(lead.text):
        return evidence
    for ev in evidence[1:]:
        if (
            ev.hit.chunk.doc_id == lead.hit.chunk.doc_id
            and 0 <= ev.start - lead.end <= _ITEMS_REACH
            and opens_numbered_item(ev.text.lstrip())
            and states_acts(ev.text)
        ):
            return [ev, *(e for e in evidence if e is not ev)]
    return evidence


# 最多能提百分之几 asks an upper bound; 不得低于净收益的百分之三十 states a lower one (and 至少几个 the reverse):
# the figure found bounds the other way, so it is not the answer. A range (…以上…以下) states both.
_ASKS_MOST = re.compile(r"最多|最高|顶多|上限|封顶|最长|最大")
_ASKS_LEAST = re.compile(r"最少|至少|最低|起码|下限|最短|最小")
_LOWER_BEFORE = re.compile(r"不低于|不少于|至少|最低|不得低于|不得少于|不应低于|不应少于")
_UPPER_BEFORE = re.compile(r"不超过|不得超过|最多|最高|不高于|不得高于|最长")
_CLAUSE_END = "，；。：,;:"


def unstated_bound(info: QuestionInfo, short: str | None, quote: str) -> Unmet | None:
    """A refusal when the question asks the most (or the least) and the figure answering it is, in its
    quote, only a bound the other way (不得低于… for 最多能提多少)."""
    if not short or not info.answer_type.asks_figure:
        return None
    most, least = bool(_ASKS_MOST.search(info.text)), bool(_ASKS_LEAST.search(info.text))
    at = quote.find(short)
    if most == least or at < 0 or bounds_how_often(short):
        return None
    start = max(max(quote.rfind(c, 0, at) for c in _CLAUSE_END) + 1, at - 15)
    said = quote[start : at + len(short) + 2]
    lower = bool(_LOWER_BEFORE.search(said)) or "以上" in said[at - start :]
    upper = bool(_UPPER_BEFORE.search(said)) or any(
        w in said[at - start :] for w in ("以下", "内")
    )  # 内 holds 以内
    if most and lower and not upper:
        return Unmet("value", "现有文件中没有规定上限，无法据此回答。")
    if least and upper and not lower:
        return Unmet("value", "现有文件中没有规定下限，无法据此回答。")
    return None
