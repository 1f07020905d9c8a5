"""定义题 (definition): 是什么、什么意思 — the clause that says it, from its copula on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span

# Any sentence may define. One that defines a term of the question by its form (本法所称乡村，是指…;
# 残疾人是指…) fits fully; one that defines something else partly; any other sentence less.
UNMARKED_FIT = 0.2
OTHER_TERM_FIT = 0.5
PART_TERM_FIT = 0.8
COPULA_FIT = 0.9  # 义务教育是…: a definition by its form less surely than 所称…是指
_DEFINES = re.compile(r"所称|所指|是指|系指|指的是|的统称|定义为")
# The term a sentence defines: 本法所称X，是指 / X是指 / X，是指 / X，包括 (after any article number or
# item mark: （二）主要农作物是指…).
_DEFINED = re.compile(
    r"所[称指]的?([^，,。；]{1,24}?)[，,]?(?:是指|系指|指的是|包括)|^(?:第[^条\s]{1,8}条\s*)?(?:[（(][一二三四五六七八九十]{1,3}[)）])?([^，,。；]{1,24}?)(?:[，,]?(?:是指|系指)|[，,]包括)"
    # 村庄、集镇总体规划，是…的整体部署 / 义务教育是…的教育: a sentence opening on the term and 是
    r"|^(?:第[^条\s]{1,8}条\s*)?(?:[（(][一二三四五六七八九十]{1,3}[)）])?([^，,。；]{2,16}?)[，,]?是(?![指否])"
)
# …的居民，为农村集体经济组织成员。 defines who is a member by what they meet: the sentence ends on the
# term, after the conditions and a comma.
MEMBERSHIP = re.compile(r"的[^，,。；]{0,8}(?P<comma>[，,])(?:为|属于)(?P<term>[^，,。；]{2,24})[。；]?$")
# Marks that do not change a term: 村庄、集镇 asked as 村庄集镇, quoted or not.
_TERM_MARKS = re.compile(r"[、“”\"\s]")
_ARTICLE = re.compile(r"第[^条\s]{1,8}条\s*")
_ASKS_MEANING = re.compile(r"[“\"][^”\"]{1,16}[”\"]|指|意思|含义|界定|定义|性质")
_QUOTED = re.compile(r"[“\"]([^”\"]{1,16})[”\"]")
_ALIAS = re.compile(r"[（(]以下(?:简称|统称|称)[“\"]?([^）)”\"]{1,12})[”\"]?[)）]")
# 适用于哪些地方的房子 / 说的是哪种企业: what a document's rules cover, which its scope article states
# (本条例适用于由…举办的企业; …农村住房建设管理活动，适用本条例).
_ASKS_SCOPE = re.compile(r"适用|说的是哪|指的是哪|管的是哪|管哪些|管得着")
# …从事养殖和捕捞…等渔业生产活动，都必须遵守本法: a scope article may say who must keep the law.
_SCOPE = re.compile(
    r"本(?:条例|法|办法|规定|细则)适用于|适用本(?:条例|法|办法|规定|细则)|都(?:必须|应当)遵守本(?:条例|法|办法|规定)"
)


class Definition(AnswerType):
    name = "definition"
    labels = ("定义", "概念", "含义")
    cues = (
        Cue(100, re.compile(
            r"是什么|是个什么|什么是|什么意思|含义|定位|指什么|指的是|是指|指哪|界定|怎么定义|什么性质|什么样|什么要求|新说法|什么机制|什么制度|什么账|什么文件"
        )),
        # 啥算地质灾害？/ 什么叫特困人员？ asks what the term covers, even when a may-I question follows
        # (…这个算不算？): before yes/no.
        Cue(15, re.compile(r"(?:^|[，。？?！!])[^，。？?]{0,4}什么(?:算|叫)(?:是)?[^，。？?谁哪几多]{2,12}[？?]")),
        # A term quoted as the documents' own word (条例里说的“渔业水域”就是指养鱼的塘子吗; 算不算“渔业
        # 船舶”): whether a thing counts is settled by the term's definition, so before yes/no and 哪些.
        Cue(16, re.compile(r"(?:说的|里的|讲的|管的|提的?|所称的?|算不算|属不属于)“[^”]{1,16}”"),
            unless=re.compile(r"哪一?年|什么时候|何时")),  # 说的“余村经验”哪一年提出的 asks a date
        # A quoted term that the question asks the meaning of (“农村土地”，到底指哪些地; “防汛预案”，这个预案
        # 到底是个啥; “专项规划”…是干啥用的): before 哪些 (list).
        Cue(35, re.compile(r"“[^”]{1,16}”[^，。？?]{0,8}(?:[，,][^，。？?]{0,8})?(?:指|是什么|算什么|什么意思|什么范围|哪里范围|概念|是个什么|干什么用|是干什么的)")),
        # 适用于哪些地方的房子 / 说的是哪种企业: what a document covers (its scope article), before 哪些.
        # 适用范围是啥 / 这条例都管哪些方面的活动: the same, asked of a named kind of document.
        Cue(36, re.compile(
            # 牵头管的是哪个部门 asks a body (who manages), not what is covered.
            r"适用于?哪|适用范围|(?:说|指|讲|管)的是哪[种类个些](?!部门|单位|机构|机关|政府|级)"
            r"|(?:条例|法|办法|规定)[^，。？?]{0,6}[，,]?(?:都|主要)?管(?:哪些|哪几|啥|什么)"
        )),
    )  # fmt: skip
    clause_fallback = True
    # 本条例所指的共同生活的家庭成员包括：（一）配偶；（二）… : what the term covers is its items.
    gathers_items = True

    def search_hint(self, info: QuestionInfo) -> str:
        """A question on what a term means (“农村土地”指哪些 / 什么意思 / 怎么界定) also looks for the
        sentence that defines it (本法所称…，是指…); 要建立什么样的制度 does not ask for one."""
        return "所称 是指" if _ASKS_MEANING.search(info.text) else ""

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        """A short name given to the asked term (…装卸单位（以下统称高危生产经营单位）) is answered by its
        clause up to the bracket: what the name stands for."""
        out = []
        for a in _ALIAS.finditer(sentence):
            # 本条例所称四荒资源（以下简称四荒），是指…: the definition after it answers, not the name
            if _names_asked_alias(a.group(1), info) and not _DEFINES.search(sentence, a.end()):
                start = max(sentence.rfind(mark, 0, a.start()) for mark in "，。；：,;:") + 1
                if number := _ARTICLE.match(sentence, start):
                    start = number.end()
                out.append(Span(start, a.end(), "defined", sentence[start : a.end()]))
        return out

    # The form of a definition counts more here than a type's form elsewhere: "X是指" is the answer.
    fit_gain = 2.5

    def prefers_fit(self, info: QuestionInfo) -> bool:
        # “农作物病虫害”指什么: the sentence defining that very term leads over one defining a longer
        # term (农作物病虫害防治) that scores a little better; a question asking no meaning keeps its order.
        return bool(_QUOTED.search(info.text))

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        m = _DEFINED.search(sentence)
        if m:
            # 第二条 本法所称X，是指: the sentence-start form reads 本法所称 into the term; it is not part of it
            term = _TERM_MARKS.sub(
                "", re.sub(r"^.*所[称指]的?", "", m.group(1) or m.group(2) or m.group(3) or "")
            )
            # 四荒资源（以下简称四荒）: the short name the document gives is the term it goes on to use
            alias = _ALIAS.search(term)
            term = alias.group(1) if alias else term
            asked = [_TERM_MARKS.sub("", a) for a in _QUOTED.findall(info.text)]
            question = info.without_named_docs(info.text)  # 工资 of 工资支付条例 is no term asked about
            # 村委会 asked, 村民委员会 defined: the lexicon's formal form is the asked term too
            if term and (term in _TERM_MARKS.sub("", question) or term in info.expansions):
                if asked and not any(a in term or term in a for a in asked):
                    return OTHER_TERM_FIT  # the quoted term is the one asked about, not another word
                if asked and not any(a in term for a in asked):
                    return PART_TERM_FIT  # 乡村 defined, “乡村社会治理体系” asked: a word of it, not it
                return 1.0 if m.group(3) is None else COPULA_FIT
            if m.group(3) is None and any(a and a in term for a in asked):
                return PART_TERM_FIT  # 村庄 asked, 村庄、集镇规划区 defined: the asked term's own one first
        if any(s.kind == "defined" for s in spans):
            # …装卸单位（以下统称高危生产经营单位）: what comes before the bracket is what the term covers
            return COPULA_FIT
        scope = _SCOPE.search(sentence)
        if scope and sentence[scope.start() - 1 : scope.start()] != "不" and _ASKS_SCOPE.search(info.text):
            return COPULA_FIT  # …不适用本条例 says what the document leaves out
        member = MEMBERSHIP.search(sentence)
        if member and _names_asked_term(member.group("term"), info):
            return 1.0
        return OTHER_TERM_FIT if _DEFINES.search(sentence) else UNMARKED_FIT


def _names_asked_alias(alias: str, info: QuestionInfo) -> bool:
    """Whether the short name a sentence gives (以下简称选民) is the term the question asks about: quoted
    there, or, with none quoted, written in it and longer than a bare head (以下简称企业 names no kind)."""
    alias = _TERM_MARKS.sub("", alias)
    asked = [_TERM_MARKS.sub("", a) for a in _QUOTED.findall(info.text)]
    if asked:
        return alias in asked
    return len(alias) >= 3 and alias in _TERM_MARKS.sub("", info.without_named_docs(info.text))


def _names_asked_term(term: str, info: QuestionInfo) -> bool:
    """Whether the question asks about ``term``, loosely (村集体经济组织的成员 for 农村集体经济组织成员):
    a run of the term's characters, most of it, occurs in the question without its 的."""
    question = info.without_named_docs(info.text).replace("的", "")
    need = max(4, -(-3 * len(term) // 4))
    return any(term[i : i + need] in question for i in range(len(term) - need + 1))


DEFINITION = Definition()
