"""What a question pins down (问题约束) and whether the documents satisfy it: the named document, its
year, its region.

An answer stands only when its evidence comes from a document that satisfies the question's
constraints. A question about the 2024 一号文件 when the knowledge base holds the 2023 and 2025 ones
is refused with the constraint named, and the other years' passages are shown as related (仅供参考),
never as the answer; a question about one province's rule is never answered from another
province's. Named documents are matched in :mod:`assistant.docmatch`; this module turns the match
into refusals (:func:`document_gap`) and into the set of documents evidence may come from
(:func:`admissible_docs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from assistant.answer_types import QuestionInfo
from assistant.docmatch import DocHints, doc_region, doc_years, label_year
from assistant.lexicon import REGIONS, province_of
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.reader import Evidence
from assistant.term_match import abbreviates, occurrences
from corpus.tokenize import stopwords
from index.catalog import DocRecord

__all__ = [
    "Unmet", "abbreviates", "admissible_docs", "doc_region", "document_gap", "pinned_years", "region_gap",
    "subject_gap", "subjects", "unqualified", "unstated_year",
]  # fmt: skip

# A year that pins a document outside a name: 2024年的规定, 24年出台的政策, 2024年文件.
_PINNED_YEAR = re.compile(
    r"(?<!\d)((?:19|20)?\d{2})年(?:的|版|出台的|发布的|印发的|颁布的|新)?(?:中央)?"
    r"(一号文件|文件|规定|政策|条例|办法|意见|决定|通知|规划|建议)"
)
# Words that name who or what a rule is about (主体): a role, a body, a household, a fund.
_SUBJECT_END = re.compile(r"(?:会|员|手|户|职工|农民工|主|者|队|家庭|津贴|补贴|补助|企业|机构|基金|司机|证)$")
_EVERYDAY_ENDS = ("户", "主", "家")
_SUBJECT_CHARS = 3  # a role word shorter than this is everyday speech (司机, 人手), never a missing subject
# Modifiers that pick no kind of subject (普通农户 is any 农户) and heads that only say "people of that
# kind" (独生子女家庭: the documents may say 独生子女父母; 合作社社员: 合作社成员; 林地所有者: 林地所有权单位):
# with such a head the modifier is what the evidence must speak of.
_GENERIC_MODIFIERS = frozenset(
    {"普通", "一般", "个别", "有的", "某些", "其他", "其它", "所有", "全体", "广大",
     "外地", "本地", "当地", "外来", "外省", "外县"}  # where from, not what kind (外地企业 is any 企业)
)  # fmt: skip
_PEOPLE_HEADS = frozenset(
    {"家庭", "人员", "人家", "群众", "居民", "农户", "家里", "成员", "社员", "村民", "农民", "所有者", "所有人"}
)  # fmt: skip
# A body (机构) is named by what it does and a generic word for a body: 村务监督委员会 where the
# documents write 村务监督机构 is the same body.
_BODY_HEADS = ("委员会", "机构", "组织", "小组")
# A short form of a subject may skip up to three characters of its full name (村监会: 村务 监督 委员会);
# question terms are matched more strictly (AnswerPolicy.abbrev_gap), as they only weigh, not refuse.
_SUBJECT_SHORT_FORM_GAP = 3
# A permit or certificate (许可证, 登记证) is named by what it permits, a verb (捕捞许可证, 取水许可证).
_PERMIT_HEADS = ("证",)
# Verb + 手 compounds jieba may tag as nouns (经手的负责人): what is done, never who.
_HAND_VERBS = frozenset({
    "经手", "插手", "动手", "接手", "出手", "下手", "放手", "伸手", "着手", "联手", "携手", "到手", "入手",
    "顺手", "随手", "亲手", "上手", "脱手", "转手", "失手", "分手", "撒手", "过手",
})  # fmt: skip
# Words that lead into a subject without qualifying it (根据理事会…, 请问董事会…, 规定成员…).
_FUNCTION_WORDS = frozenset({
    "根据", "按照", "依照", "依据", "参照", "规定", "请问", "问问", "咨询", "一下", "关于", "对于", "针对",
    "通过", "经过", "觉得", "认为", "知道", "如果", "的话", "这个", "那个", "就是", "还是", "或是", "现在",
    "今年", "去年", "明年", "我们", "咱们", "你们", "他们", "自己", "除了", "除开", "除去",
})  # fmt: skip
# A word starting with a numeral or a determiner counts or points (几户, 每户, 这家): it names no subject.
_NOT_SUBJECT = re.compile(r"^[一二两三四五六七八九十百千万几每多某各本该这那哪其全]|[0-9]")
_STOPWORDS = stopwords()  # never indexed, so never "seen": 或者, 以及
# Kinds a title can show; the others (文件, 规定, 政策) may be any document.
_TITLE_KINDS = ("一号文件", "条例", "办法", "意见", "决定", "通知", "规划", "建议")
# A region's own document asked for: 山东省的村委会选举办法, 浙江出台的低保实施细则, 江苏的政策 (a
# national law named after the region, 山东按照促进法规定, is not one: provinces make no 法).
# The words between name the document (村委会选举); a question word, verb of asking or 法 among them
# means the kind word is something else (山东农民能享受哪些政策, 山东的老人按规定能领多少钱). 规定, 文件
# and 政策 name a document only right after the region (山东的相关规定, 山东出台的文件).
_REGIONAL_KIND = re.compile(
    r"(?:省|市|自治区|地区|州|盟)?(?:的|出台的|发布的|印发的|制定的)?"
    r"(?:[^，。？！?!、法按能没吗呢么多少几什谁哪啥咋怎让给领]{0,12}?(实施细则|实施办法|条例|办法|细则|意见|通知)"
    r"|(?:相关|有关|这方面的|具体)?(规定|文件|政策))"
)


@dataclass(frozen=True, slots=True)
class Unmet:
    """A constraint the documents do not satisfy (约束不满足): the refusal says which."""

    kind: str  # document | year | region | subject; rate | value (assistant.asked_values)
    message: str
    related_docs: tuple[str, ...] = ()  # documents whose passages are shown as related (仅供参考)


def pinned_years(text: str) -> list[tuple[str, str]]:
    """(year, kind) for each year that pins a document kind: 24年的规定 → ("2024", "规定")."""
    out = []
    for m in _PINNED_YEAR.finditer(text):
        y = m.group(1)
        out.append((y if len(y) == 4 else "20" + y, m.group(2)))
    return out


def _asked_places(info: QuestionInfo) -> set[str]:
    """The places whose documents apply to the question: each named one and a named city's province
    (a province's rule holds in its cities; one city's rule is not another's or its province's)."""
    return {*info.regions, *(province_of(r) for r in info.regions)}


def _years_text(years: Sequence[str]) -> str:
    return "、".join(f"{y}年" for y in years)


def document_gap(info: QuestionInfo, docs: Sequence[DocRecord], hints: DocHints) -> Unmet | None:
    """A named document, or a document of the asked year, that the knowledge base does not hold."""
    if hints.missing and not hints.targeted and not hints.gaps:
        names = "、".join(f"《{m}》" for m in hints.missing)
        return Unmet("document", f"现有文件中未找到{names}，无法据此回答。")
    if hints.gaps and not hints.targeted:
        gap = hints.gaps[0]
        if gap.kind == "year":
            text = f"现有文件中没有{gap.asked}年{gap.name}"
            if gap.labels:
                text += f"；{_years_text(gap.labels)}{gap.name}的相关规定见下方（仅供参考）"
        elif gap.kind == "plan":
            text = f"现有文件中没有{gap.asked}{gap.name}"
            if gap.labels:
                text += f"；{'、'.join(gap.labels)}{gap.name}的相关内容见下方（仅供参考）"
        else:
            text = f"现有文件中没有{gap.asked}的{gap.name}；{'、'.join(gap.labels)}的{gap.name}见下方（仅供参考）"
        return Unmet(gap.kind, text + "。", gap.others)
    held_elsewhere = _regional_gap(info, docs) or _version_gap(info, docs, hints)
    if held_elsewhere is not None:
        return held_elsewhere
    for year, kind in pinned_years(info.text):
        if hints.targeted:
            break  # the named document decides (its year was checked with its name)
        of_kind = [d for d in docs if kind not in _TITLE_KINDS or kind in d.title]
        if of_kind and not any(year in doc_years(d) for d in of_kind):
            others = sorted({label_year(d) for d in of_kind} - {""})
            what = f"{year}年的{kind}"
            text = f"现有文件中没有{what}"
            if len(others) <= 3:
                text += f"；{_years_text(others)}的相关{kind}见下方（仅供参考）"
            return Unmet("year", text + "。", tuple(d.doc_id for d in of_kind))
    return None


_VERSION = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?:的)?(?:修改|修订|修正|新修订|版)")


def _version_gap(info: QuestionInfo, docs: Sequence[DocRecord], hints: DocHints) -> Unmet | None:
    """A named document's version the knowledge base does not hold (社会保险法2023年修改以后…, when the
    text held is the 2018 amendment): its clauses cannot say what that version changed."""
    if not hints.targeted:
        return None
    held = [d for d in docs if d.doc_id in hints.targeted]
    for m in _VERSION.finditer(info.text):
        year = m.group(1)
        if held and not any(year in doc_years(d) for d in held):
            have = "、".join(sorted({f"《{d.title}》（{label_year(d)}年）" for d in held}))
            return Unmet("year", f"现有文件中没有{year}年修改的版本；现有的是{have}。", tuple(hints.targeted))
    return None


def _regional_gap(info: QuestionInfo, docs: Sequence[DocRecord]) -> Unmet | None:
    """A region's own document (山东省的…办法) when the knowledge base holds none of that region: a
    national clause is not that province's rule, so the question is refused with the region named."""
    if not info.regions:
        return None
    held = {doc_region(d) for d in docs}
    for region in info.regions:
        if region in held:
            continue
        # Every mention is read: 江苏那边调运松木…按江苏的规定罚多少 asks for that rule at its second mention.
        for start in occurrences(info.text, region):
            m = _REGIONAL_KIND.match(info.text, start + len(region))
            if m is not None:
                return Unmet("region", f"现有文件中没有{info.text[start : m.end()]}，无法据此回答。")
    return None


def admissible_docs(
    info: QuestionInfo, docs: Sequence[DocRecord], hints: DocHints, policy: AnswerPolicy = DEFAULT_POLICY
) -> set[str] | None:
    """The documents evidence may come from, or None for any: the named documents (when the policy
    restricts to them), those of a pinned year, and none of another region than the question's."""
    allowed = {d.doc_id for d in docs}
    restricted = False
    if hints.targeted and policy.restrict_to_named:
        allowed &= set(hints.targeted)
        restricted = True
    years = [y for y, _ in pinned_years(info.text)]
    if years and not hints.targeted:
        of_year = {d.doc_id for d in docs if any(y in doc_years(d) for y in years)}
        if of_year:
            allowed &= of_year
            restricted = True
    if info.regions:
        places = _asked_places(info)
        other = {d.doc_id for d in docs if doc_region(d) and doc_region(d) not in places}
        if other & allowed:
            allowed -= other
            restricted = True
    return allowed if restricted else None


def prefer_asked_region(
    info: QuestionInfo, docs: Sequence[DocRecord], evidence: list[Evidence], window: int
) -> list[Evidence]:
    """A lead from a national document gives way to the best of the next ``window`` sentences from a
    document of the region the question names, when that one fits the asked type as well: the
    province's own rule is the one a cadre there applies (重庆这边…争议林木能不能砍 → 重庆市林地保护管理条例,
    not 森林法). Of the opened question sets' 278 answerable questions naming a province, 277 are
    answered by that province's document."""
    if not info.regions or len(evidence) < 2:
        return evidence
    read = {ev.hit.chunk.doc_id for ev in evidence[: window + 1]}  # only these documents' regions matter
    regions = {d.doc_id: doc_region(d) for d in docs if d.doc_id in read}
    lead = evidence[0]
    if regions.get(lead.hit.chunk.doc_id, ""):
        return evidence
    places = _asked_places(info)
    for ev in evidence[1 : window + 1]:
        if regions.get(ev.hit.chunk.doc_id, "") in places and ev.fit >= lead.fit:
            return [ev, *(e for e in evidence if e is not ev)]
    return evidence


def region_gap(
    info: QuestionInfo, docs: Sequence[DocRecord], unrestricted: Sequence[Evidence],
    policy: AnswerPolicy = DEFAULT_POLICY,
) -> Unmet | None:  # fmt: skip
    """The refusal when only another region's document speaks to the question: the best evidence
    before the documents were restricted would have answered, and it is from another region."""
    if not info.regions or not unrestricted or unrestricted[0].coverage < policy.min_coverage:
        return None
    regions = {d.doc_id: doc_region(d) for d in docs}
    places = _asked_places(info)
    if regions.get(unrestricted[0].hit.chunk.doc_id, "") in ("", *places):
        return None
    others = tuple(d for d, r in regions.items() if r and r not in places)
    asked = "、".join(info.regions)
    if any(r and r in places for r in regions.values()):
        # The region's own documents are held and were read: they do not say it, another region's do.
        text = f"现有{asked}的文件中未找到相关规定，无法据此回答；其他地区的相关规定见下方（仅供参考）。"
        return Unmet("region", text, others)
    return Unmet("region", f"现有文件中没有{asked}的相关规定，无法据此回答。", others)


@dataclass(frozen=True, slots=True)
class Subjects:
    """The question's subjects (主体) the corpus cannot speak to as asked: ``absent`` is a role, body or
    fund word no document uses (外卖骑手, 董事会); each of ``qualified`` is a (modifier, head) pair of
    words the corpus uses (服务 + 企业 in 物业服务企业) that the evidence must speak of together, with
    the phrase as asked (for the refusal)."""

    absent: str = ""
    word: str = ""  # the role word itself (骑手 of 外卖骑手)
    qualified: tuple[tuple[str, str, str], ...] = ()  # (modifier, head, the phrase as asked)


def _unnamed_text(info: QuestionInfo) -> str:
    """The question without the documents it names, in 《》 or as found (a name holds no subject or year)."""
    return info.without_named_docs(re.sub(r"《[^《》]*》", "，", info.text))  # [^《》]: linear on many 《


def subjects(
    info: QuestionInfo, words: Callable[[str], list[str]], idf: Callable[[str], float],
    known: Callable[[str], bool], tagged: Callable[[str], list[tuple[str, str]]] | None = None,
) -> Subjects:  # fmt: skip
    """Subjects of the question the corpus never uses. ``idf`` is the keyword index's (0 for a word it
    never saw); ``known`` says whether the lexicon maps a word to document wording. Named documents are
    left out (a misspelled name is not a subject)."""
    text = _unnamed_text(info)
    # With parts of speech, a verb never qualifies a subject (防止 + 农户 is an action on 农户, not a kind
    # of 农户); 服务企业 (verbal noun + noun) still does.
    pairs = tagged(text) if tagged is not None else [(w, "") for w in words(text)]
    seq = [w for w, _ in pairs if w.strip()]
    verbs = {w for w, flag in pairs if flag == "v"}
    adverbs = {w for w, flag in pairs if flag in ("d", "ad")}  # 顺手, 随手 say how, never who
    not_who = verbs | adverbs | _HAND_VERBS

    def content(w: str) -> bool:  # a Chinese content word that could name a subject
        return (
            len(w) >= 2
            and re.fullmatch(r"[\u4e00-\u9fff]+", w) is not None
            and not _NOT_SUBJECT.search(w)
            and not w.startswith(("没", "不", "未"))  # 没分户 says what was not done: no one's name
            and not any(r in w for r in (*REGIONS, *info.regions))  # 湖州 of 湖州农户 is where, not who
            and w not in _STOPWORDS
            and w not in _FUNCTION_WORDS
            and not known(w)
        )

    def foreign(w: str) -> bool:  # a word the corpus never uses
        return content(w) and idf(w) == 0.0

    def plain(w: str) -> bool:  # a word the corpus uses, that may modify a subject
        return content(w) and idf(w) > 0.0

    qualified: list[tuple[str, str, str]] = []
    for i, w in enumerate(seq):
        # 散户, 债主, 承包户: everyday words for households and owners are how cadres speak, not
        # subjects the documents lack; a never-used role or body (骑手, 董事会) is.
        # A verb or adverb (下手, 顺手, 经手 even when tagged a noun) says what is done or how, never who.
        if foreign(w) and _SUBJECT_END.search(w) and not w.endswith(_EVERYDAY_ENDS) and w not in not_who:
            joined = i and foreign(seq[i - 1]) and seq[i - 1] + w in text
            named = seq[i - 1] + w if joined else w  # 外卖 + 骑手
            # A two-character role word (司机, 人手, 队员) is how cadres speak of a kind the documents
            # name formally (承运人, 工作人员); a kind they never speak of takes more (外卖骑手, 董事会).
            # Such a question's subject is in everyday words: nothing is checked of it.
            return Subjects(named, w) if len(named) >= _SUBJECT_CHARS else Subjects()
        if (
            i
            and plain(w)
            and _SUBJECT_END.search(w)
            and not w.endswith(_EVERYDAY_ENDS)  # 种粮大户, 养殖户: a household, as cadres speak of one
            and w not in not_who
            and plain(seq[i - 1])
            and (seq[i - 1] not in verbs or w.endswith(_PERMIT_HEADS))
            and seq[i - 1] not in _GENERIC_MODIFIERS
        ):
            # 服务 + 企业: the evidence must speak of 服务企业 (named with a never-used word before: 物业)
            label = "".join(seq[i - 2 : i + 1]) if i >= 2 and foreign(seq[i - 2]) else seq[i - 1] + w
            if seq[i - 1] + w in text:  # written together: 造成损失，监事会 names no 损失监事会
                qualified.append((seq[i - 1], w, label))
    return Subjects("", "", tuple(qualified))


def subject_gap(found: Subjects, passages: Sequence[str] = ()) -> Unmet | None:
    """A refusal for a subject no document mentions, not even as the full form of an abbreviation
    (村委会 is 村民委员会; 村监会 skips three characters of 村务监督委员会) in the passages retrieved."""
    if found.absent and not any(
        abbreviates(found.word, p, _SUBJECT_SHORT_FORM_GAP) or _shares_half(found.word, p) for p in passages
    ):
        return Unmet("subject", f"现有文件中没有关于“{found.absent}”的规定，无法据此回答。")
    return None


def _shares_half(word: str, passage: str) -> bool:
    """Whether a passage uses the first half or more of ``word`` as written (独生子女家庭 where the
    passage says 独生子女父母, 服务队 where it says 防治服务组织): a word coined from the documents' own,
    not a subject they never speak of. The head alone (委员会 of 业主委员会) does not count."""
    return word[: max(2, -(-len(word) // 2))] in passage


def unqualified(found: Subjects, sentence: str, passage: str) -> Unmet | None:
    """A refusal when the evidence does not speak of a qualified subject the question asks about: the
    phrase is not in its passage, nor are both words in its sentence (物业服务企业 asked, a clause about
    集体经济组织 found): the clause is about someone else. A kind of people (独生子女家庭) is often named once
    by the article (独生子女父母…) and its later sentences speak of them by a pronoun or kin word (其子女):
    its modifier is looked for in the passage."""
    for modifier, head, label in found.qualified:
        said = (modifier in passage if head in _PEOPLE_HEADS else modifier in sentence) and (
            head in sentence
            or head in _PEOPLE_HEADS
            or (head in _BODY_HEADS and any(modifier + body in sentence for body in _BODY_HEADS))
        )
        if modifier + head not in passage and not said:
            return Unmet("subject", f"现有文件中没有关于“{label}”的规定，无法据此回答。")
    return None


_ASKS_FIGURE = re.compile(r"多少|几|多高|多大|多长|多久|啥时|什么时|哪天|哪一天|何时")
# A change asked, not told (今年粮价涨了 is the asker's situation, 今年…涨了没有 a question of that year).
_CHANGE = re.compile(r"涨|降|上调|下调|提高|调高|调低|调整")
_ASKING = re.compile(r"吗|么|没有|了没|会不会|是否|有没有|多少|几|能不能|要不要")
# Years a question names relative to today (今年低保标准多少): read with the clock the answerer is given.
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}


def unstated_year(
    info: QuestionInfo, docs: Sequence[DocRecord], passage: str, today: date | None = None
) -> Unmet | None:
    """A year the question asks about (2026年养老金涨多少) that is no document's year must be stated in
    the evidence's passage; otherwise the clause found is about another time. With ``today``, 今年 / 明年
    in the clause asking a figure or a change is that year (今年低保标准多少, 明年会不会涨)."""
    text = _unnamed_text(info)
    held = {y for d in docs for y in doc_years(d)}
    asked = [(y, f"{y}年") for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", text)]
    if today is not None:
        # Elsewhere such words are the asker's situation: 县里定了今年的名单，要公示几天 asks a rule's period,
        # 今年看着要闹旱，…能这么干吗 a rule for any year.
        figure = info.answer_type.asks_figure

        def asks(c: str) -> bool:
            return bool((figure and _ASKS_FIGURE.search(c)) or (_CHANGE.search(c) and _ASKING.search(c)))

        asking = " ".join(c for c in re.split(r"[，,。；;？?！!]", text) if asks(c))
        asked += [(str(today.year + shift), f"{today.year + shift}年（{word}）")
                  for word, shift in _RELATIVE_YEARS.items() if word in asking]  # fmt: skip
    for year, label in asked:
        if year not in held and f"{year}年" not in passage:
            return Unmet("year", f"现有文件中没有关于{label}的规定，无法据此回答。")
    return None
