"""Question analysis (问题分析): type, wanted unit, named documents and other document hints.

Everything here is rule-based and cheap, so it runs on every question and every follow-up.
"""

from __future__ import annotations

import re

from assistant.answer_types import ANSWER_TYPES, AnswerTypes, QuestionInfo
from assistant.lexicon import REGIONS, cities_in, expansions

__all__ = ["QuestionInfo", "analyse", "classify", "named_documents"]

# 多少 or a 几 that asks how many: 哪几块 asks which parts, not a sum; 休渔那几个月 and 好几年 say how long
# something lasts, they ask nothing.
_HOW_MANY = r"(?:多少|(?<![哪好十这那])几)"
# "多少X" / "几X": the measure word the answer must carry; a magnitude may come between (多少万吨 asks
# 吨; 多少万元 keeps 万元; 几百亩 is an amount stated, not asked).
_UNIT = re.compile(
    _HOW_MANY
    + r"(?:个(?=人|月|小时)|(?<=多少)[十百千万亿]+(?!元))?(钱|元|万元|亿元|块|平方米|立方米|方|亩|公顷|斤|吨|人|户|名|个|座|家|项|倍|次|回|年|天|日|月|岁|公里|千米|厘米|米|所|条|批|位|场|张|份|届|轮|头|只|棵|株|台|辆|小时"
    r"|毫克|千克|公斤|克|毫升|升|学时|课时|分钟|层|度|间|处(?![罚理置分])|分(?![钟之]))"
)
# 零花钱标准是多少 / 补贴一年给多少: a sum of money is asked though no unit follows 多少.
# 资金…占多少比例 asks a share, not a sum.
# 交多少清运费 / 发多少补贴 / 领多少补偿款: the money word may follow 多少 too.
_MONEY_ASKED = re.compile(
    r"(?:钱|费|工资|补贴|津贴|补助|补偿|赔偿|抚恤金|奖金|罚款|收入|收益|养老金|报酬|薪酬)[，,]?[^，。？?]{0,10}"
    + _HOW_MANY
    + r"(?!成|倍|比例|百分)|"
    + _HOW_MANY
    + r"[^，。？?\d几多少]{0,6}?(?:费|工资|补贴|津贴|补助|补偿|赔偿|抚恤金|奖金|罚款|款|收益)(?![用率项])"
)
_SHARE_ASKED = re.compile(r"比例|比重|百分之|几成|多少倍|几倍")
# 比例得达到百分之多少 / 占多少比重 / 几成: a share is asked; only a share (5%, 三分之一, 两成) answers it.
# 按造价的多少罚 / 按工资总额的多少交: a share of the named base. 占多少地 asks an area, not a share.
_PROPORTION_ASKED = re.compile(
    r"(?:比例|比重|百分之)[^，。？?]{0,8}(?:多少|几)|占(?:多少|几)(?![地平亩])"
    r"|[占按][^，。？?]{1,10}的(?:多少|百分之几|几成)"
    r"|几成|(?:多少|几|多大)[^，。？?]{0,4}(?:比例|比重)"
)
# 多少平 / 面积多大 / 宅基地最多批多大 / 占多少地: an area is asked (not 多大岁数).
_AREA_ASKED = re.compile(
    r"(?:多少|几)平(?:方米?|米)?|面积[^，。？?]{0,6}(?:多大|多少)|(?:多大|多少)面积|占(?:多少|多大)地"
    r"|(?:宅基地|用地|耕地|土地|住房|住宅|房子|房屋)[^，。？?]{0,10}多大(?!岁|年纪|年龄|的?比[例重])"
)
# 每平米罚多少 / 每亩补多少 / 一平米罚多少: the amount per area is asked, so the area is not the figure's unit.
_PER_AREA = re.compile(
    r"(?:每(?:一)?(?:平方米|平米|平方|平|亩|公顷|立方米|方)|一(?:平方米|平米|亩|公顷|立方米))[^，。？?\d]{0,4}?(?:多少|几)"
)
# 两边多宽以内 / 离河多远: a length or distance is asked (米, 公里).
_LENGTH_ASKED = re.compile(r"多宽|多深|多远|多厚|(?:多少|几)(?:米|千米)")
# 报警电话是多少号 / 热线号码是多少: a telephone number is asked, which only a run of digits states. A bare
# 几号 is a day of the month (几月几号, 从几号起生效).
_PHONE_ASKED = re.compile(r"(?:电话|热线|号码)[^，。？?]{0,8}(?:多少|几号|哪个号)|多少号(?!人)")
# 公开栏的尺寸得做多大 / 池子修多大: a size is asked, stated in lengths or an area.
_SIZE_ASKED = re.compile(r"尺寸|规格[^，。？?]{0,6}多大|(?:做|修|建|盖|挖|砌)(?:得|成)?多大(?!岁|年纪|年龄)")
# 开办资金最少得有多少万, 一年最多能报多少万, 借多少万以上: a sum of money in 万 (not 低保对象有多少万,
# 几万亩, 多少万亿斤).
_TEN_THOUSANDS_ASKED = re.compile(
    r"(?:钱|资金|费|元|工资|补贴|补助|投资|收入|存款|奖金|罚|报|借|贷|赔|拨)[^，。？?]{0,12}(?:多少|几)万(?:元|块钱|块)?"
    r"(?=$|[，。？?！!吗呢啊]|以上|以下|以内|左右)"
)

# 没法 (no way) and 法规 (regulations in general) end no law's name.
_DOC_SUFFIX = r"(?:暂行办法|实施办法|办法|条例|意见|决定|规定|通知|规划|建议|纲要|方案|促进法|组织法|一号文件|[^\s说做方想看合依违守执立司用手无没，。？的]法)"
_NAMED_DOC = re.compile(
    r"《([^》]{2,40})》|((?:中华人民共和国)?[\u4e00-\u9fff0-9]{1,20}?"
    + _DOC_SUFFIX
    # What may follow a name: where in it (里, 第), what it says or allows (规定, 允不允许, 能不能, 咋说).
    + r")(?=[里中上里面的，。？?是从自什哪对有要说讲提怎关第0-9允能可让准管咋该给算]|规定|$)"
    # 一号文件 names one kind of document whatever follows it (2025年一号文件鼓励…).
    + r"|((?:(?:19|20)?\d{2}年(?:的)?)?(?:中央)?一号文件)"
)
# Words around a name that are not part of it (开场白、介词、动词): 请问…, 问一下…, 根据…, 按照…里.
# They are cut from the front of a candidate, repeatedly, and the name starts after the last
# preposition inside it ("低保标准按照社会救助暂行办法" → 社会救助暂行办法).
_OPENER = re.compile(
    r"^(?:请问一下|请问|问一下|问问|咨询一下|咨询|请教一下|请教|想问一下|想问|我想知道|我想问|麻烦问一下|"
    r"那么|那个|就是|还有|另外|看看|查一下|说说|关于|对于|针对)"
)
_PREPOSITION = re.compile(r"(?:根据|按照|依照|依据|参照|对照|遵照|按|照|依|在|从|据|看)")
# A question of belonging asked before a name (算不算湿地保护法管的, 水多深以内才算…法里的, 属不属于…条例说的):
# the name starts after it. 预算法, 核算办法 keep their 算.
_BELONGS_BEFORE = re.compile(r"([\u4e00-\u9fff])不\1于?|(?<![预核结计清决估概运打换推演])算")
# After these a short law starts the name (纠纷按水法 → 水法); other prepositions need a name-sized rest.
_CITES = ("根据", "按照", "依照", "依据", "按")
_SHORT_LAW = re.compile(r"[\u4e00-\u9fff]{1,3}法")
# An owner in front of a name (国务院的, 河南的, 县里每年的).
_OWNER = re.compile(r"^[\u4e00-\u9fff]{0,6}?的")
# A name whose words are all generic (法律法规, 有关规定, 国家政策) names no document.
_GENERIC_NAME = re.compile(
    r"^(?:国家|中央|地方|省|市|县|乡|村|上级|有关|相关|现行|最新|新|老|旧|其他|其它|这些|那些|各项|各类|"
    r"法律|法规|规章|政策|制度|文件|规定|办法|条例|意见|通知|决定|规划|建议|方案|纲要|法|律|的)+$"
)
_BAD_DOC_START = re.compile(
    r"^(什么|哪|怎么|有|这|那|该|本|我们|咱|他|她|它|啥|按|照|依)|哪|什么|怎么|谁|几|多少|啥|咋"
)
# Before its type suffix, a name holds no clause words or verbs of making a document: 产生办法由…章程规定,
# 制定帮扶项目资产管理办法 and 违反规划 speak of documents in general, they do not name one.
# Spoken words (这边, 俺们), a verb of compiling (北京这边编村庄规划, 水利局牵头弄抗旱规划), of asking
# views (来乡里征求意见) or of being (人就算是条例里说的…) say what a document does or is, never a
# title's words.
_NOT_A_NAME = re.compile(
    r"由|(?<![重主纲])要|应当|应该|可以|将|把|被|给|向|或者|还是|以及|不得|"
    r"^(?:制定|编制|出台|印发|修订|起草|违反|落实|执行|健全|建立|完善|设置|组织)"
    r"|这边|那边|这儿|那儿|咱|俺|我们|(?<![汇选])编(?![制号])|算是|就是|弄|搞|牵头|征求|听取"
    # spoken places and copulas (山东是省里统一定…办法) and 没 (没办法: no way) never stand in a title
    r"|[省市县乡镇村家这那]里|是|没"
    r"|[个了]$"  # 理事会做了个决定: a measure word or 了 before the kind makes it a deed, not a title
    r"|(?:讨论|研究|协商|表决)$"  # 居民会议能讨论决定哪些事: 决定 is the verb these take, not a document
)
_YEAR = re.compile(r"(20\d{2}|19\d{2})年")
_KINDS = ("一号文件", "条例", "办法", "决定", "建议", "意见", "规划", "通知", "促进法", "组织法")


_ENDS_WITH_KIND = re.compile(_DOC_SUFFIX + "$")


def written_kind(name: str) -> str:
    """The kind a document name or title ends with, as written (条例, 暂行办法, 促进法 …; brackets such as
    （2023年中央一号文件） set aside), or ''."""
    bare = re.sub(r"[（(][^（()）]*[)）]$", "", re.sub(r"[\s\u3000]+", "", name))
    m = _ENDS_WITH_KIND.search(bare)
    return m.group(0) if m else ""


def doc_kind(name: str) -> str:
    """The kind a document name or title ends with (条例, 暂行办法, 意见 …; every law, and every 办法, is 法),
    or ''."""
    kind = written_kind(name)
    return "法" if kind.endswith("法") else kind


def classify(question: str, types: AnswerTypes = ANSWER_TYPES) -> str:
    """The name of the question's answer type (题型)."""
    return types.classify(question).name


# Who issues, said without a region (国务院, 省里, 上头): with a document kind alone it names no document.
_ISSUER_ONLY = re.compile(r"^(?:国务院|国家|中央|省里|市里|县里|乡里|镇里|镇上|上面|上头|上级|部里|厅里)$")


def clean_name(name: str) -> str:
    """A candidate document name without the words around it (请问, 根据, 国务院的 …)."""
    prev = None
    while prev != name:
        prev = name
        name = _OPENER.sub("", name)
    cut = 0
    for m in _PREPOSITION.finditer(name):
        # One in front always goes; inside, only one with a name-sized rest after it starts the name
        # (低保标准按照社会救助暂行办法 → 社会救助暂行办法, while 依法 or 按时 inside a name stay).
        rest = name[m.end() :]
        # A bare kind after it (后事按条例) names no document: the name is that generic rest.
        if (
            m.start() == cut
            or len(rest) >= 4
            or (m.group(0) in _CITES and _SHORT_LAW.fullmatch(rest))
            or is_generic_name(rest)
        ):
            cut = m.end()
    name = name[cut:]
    # 国务院那个社会救助办法, 广东的那部条例: the issuer and a demonstrative in front of the name go.
    pointed = re.match(r"^([\u4e00-\u9fff]{0,12}?)(?:的)?(?:那个|这个|那部|这部|那份|这份|那项|这项)", name)
    if pointed and len(name) - pointed.end() >= 4:
        name = name[pointed.end() :]
    elif pointed and _ISSUER_ONLY.match(pointed.group(1)):
        # 国务院那个条例, 省里那个办法: an issuer and a kind name no particular document.
        name = name[pointed.end() :]
    elif pointed:
        # 殡葬那个条例, 管农药的那个条例: the words before the demonstrative describe the document, so
        # they stay with its kind and only the demonstrative goes (matched loosely against titles).
        name = pointed.group(1) + name[pointed.end() :]
    owner = _OWNER.match(name)
    while owner and len(name) - owner.end() >= 4:  # 国务院的社会救助暂行办法; 北京的条例 stays whole
        name = name[owner.end() :]  # 河南的县里每年的脱贫实施方案: each owner goes
        owner = _OWNER.match(name)
    return name


def is_generic_name(name: str) -> bool:
    """法律法规, 有关规定, 国家政策: words that name no particular document."""
    return bool(_GENERIC_NAME.match(re.sub(r"\d{2,4}年", "", name)))


def named_documents(question: str) -> tuple[str, ...]:
    """Document names the question cites, e.g. 乡村振兴促进法, 北京条例, 《社会救助暂行办法》."""
    names: list[str] = []
    for m in _NAMED_DOC.finditer(question):
        name = m.group(1) or clean_name(m.group(2) or m.group(3))
        core = re.sub(_DOC_SUFFIX + "$", "", name)
        if (
            len(name) >= 3
            and not _BAD_DOC_START.search(name)
            and (m.group(1) or not _NOT_A_NAME.search(core))
            and not is_generic_name(name)
        ):
            named = _after_belonging(name)
            if named not in names:
                names.append(named)
    return tuple(names)


def _after_belonging(name: str) -> str:
    """A name without the question of belonging before it (算不算湿地保护法 → 湿地保护法); applied to a
    candidate already taken as a name, so 要不要自己做一份…方案 stays a deed, not a title."""
    cut = 0
    for m in _BELONGS_BEFORE.finditer(name):
        if len(name) - m.end() >= 4:
            cut = m.end()
    return name[cut:]


def analyse(question: str, types: AnswerTypes = ANSWER_TYPES) -> QuestionInfo:
    q = question.strip()
    found = _UNIT.search(q)
    money = _MONEY_ASKED.search(q) and not _SHARE_ASKED.search(q)
    if _PHONE_ASKED.search(q):
        unit: str | None = "号码"
    elif found:
        unit = found.group(1)
    elif _PROPORTION_ASKED.search(q):
        unit = "比例"
    elif _AREA_ASKED.search(q) and not _PER_AREA.search(q):
        unit = "平方米"
    elif _LENGTH_ASKED.search(q):
        unit = "米"
    elif _SIZE_ASKED.search(q):
        unit = "尺寸"
    elif money or _TEN_THOUSANDS_ASKED.search(q):
        unit = "钱"
    else:
        unit = None
    return QuestionInfo(
        text=q,
        answer_type=types.classify(q),
        unit=unit,
        named_docs=named_documents(q),
        regions=(*(r for r in REGIONS if r in q), *cities_in(q)),
        years=tuple(dict.fromkeys(_YEAR.findall(q))),
        kinds=tuple(k for k in _KINDS if k in q),
        expansions=tuple(expansions(q)),
    )
