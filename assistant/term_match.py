"""Term matching (词项匹配): how much of a question's weighted terms a sentence holds, short forms
(监管 for 监督管理), words written apart (落了户 for 落户), how a question's colloquial and region words
weigh, and lead-ins (引导句) whose numbered items a sentence is read with.

The evidence reader scores sentences with these; the subject check (assistant.constraints) uses
:func:`abbreviates` to accept a short form the passages spell out (村委会 for 村民委员会).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answer_types import QuestionInfo
from assistant.extract import lead_in_items
from assistant.lexicon import SYNONYMS
from assistant.policy import AnswerPolicy
from corpus.normalize import normalize_text
from corpus.tokenize import word_offsets

__all__ = [
    "Term",
    "abbreviates",
    "announces",
    "colloquial_capped",
    "occurrences",
    "referenced_words",
    "region_scaled",
    "sentence_closers",
    "separated_words",
    "weighed",
]


def occurrences(text: str, word: str) -> list[int]:
    """Where ``word`` starts in ``text``, every occurrence."""
    found, i = [], text.find(word)
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1)
    return found


_ALL_ITEMS = 4000  # characters: every item a lead-in announces, however long
# An article of the same document a clause refers to (有第四十一条规定行为之一的, 违反本条例第十八条第三款规定);
# one of another law (《…法》第十条) is not in this document.
_ARTICLE_NO = r"第([一二三四五六七八九十百零〇]+)条"
# 违反本法第五十八条、第五十九条第一款、第六十条规定: every article of the list is referred to.
_ONE_REF = r"第[一二三四五六七八九十百零〇]+条(?:第[一二三四五六七八九十]+款)?"
_ARTICLE_REF = re.compile(
    rf"(?<!》)(?:本(?:条例|法|办法|规定|细则))?{_ONE_REF}(?:[、和或及]{_ONE_REF})*(?:规定|的规定|所列|列举)"
)
_ARTICLE_IN_REF = re.compile(_ARTICLE_NO)
_ARTICLE_HEAD = re.compile(rf"^{_ARTICLE_NO}[\s\u3000]", re.MULTILINE)
_ARTICLE_END = re.compile(rf"^(?:{_ARTICLE_NO}[\s\u3000]|#)", re.MULTILINE)
_ARTICLE_CHARS = 1500  # an article read for a reference: longer ones are cut here
_PIECE = re.compile(r"[^；;。\n]+")
# A verb and its object written apart (离合词): 落了户, 设个卡子, 报了案 say 落户, 设卡, 报案. The infix is an
# aspect particle or the measure word 个; a numeral or demonstrative before 个 counts (一个人, 每个月).
_INFIX = re.compile(r"(?<=[\u4e00-\u9fff])[了个过](?=[\u4e00-\u9fff])")
_NOT_A_VERB = frozenset("一二两三四五六七八九十几每这那哪有整某各全半好")


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    weight: float
    unseen: bool = False  # a word the corpus never uses: maybe a short form (监管 for 监督管理)


def sentence_closers(text: str, units: Sequence[tuple[int, int]]) -> dict[int, int]:
    """For each clause (a unit ending in ；or ，) the index of the unit that ends its sentence with ：,
    when one on the same line does: every clause of such a lead-in sentence rules its items."""
    out: dict[int, int] = {}
    pending: list[int] = []
    for i, (start, end) in enumerate(units):
        if pending and "\n" in text[units[pending[-1]][1] : start]:
            pending = []
        if text[start:end].endswith(("：", ":")):
            out.update((j, i) for j in pending)
            pending = []
        elif text[start:end].endswith(("；", ";", "，", ",")):
            pending.append(i)
        else:
            pending = []
    return out


def separated_words(text: str, words: Sequence[str], known: Callable[[str], bool]) -> list[str]:
    """Words the corpus knows that ``text`` writes with an infix (落了户 → 落户, 设个卡子 → 设卡).

    ``words`` is the segmentation of ``text`` (normalized). The object must end a word that does not
    begin at the infix: 个人 and 个月 are words of their own, 收点养护费 is no 收养."""
    ends = {end: start for start, end in word_offsets(text, words)}  # end offset of a word → its start
    found = []
    for m in _INFIX.finditer(text):
        verb, obj = text[m.start() - 1], text[m.end()]
        start = ends.get(m.end() + 1)
        if start is None and text[m.end() + 1 : m.end() + 2] in ("子", "儿"):  # 设个卡子: a noun suffix
            start = ends.get(m.end() + 2)
        word = verb + obj
        if start is None or start == m.start() or verb in _NOT_A_VERB or word in words or not known(word):
            continue
        found.append(word)
    return list(dict.fromkeys(found))


def announces(
    text: str, start: int, end: int, terms: Sequence[Term], p: AnswerPolicy
) -> tuple[str, int, str] | None:
    """When ``text[start:end]`` is a lead-in: its words, where the text it rules ends, and the numbered item
    that best matches the question ("" when its items are unnumbered); else None.

    有下列情形之一的，处…罚款：（一）扣押工资卡… rules each numbered item, so it speaks of what the best one
    says; 按照以下标准发给：烈士…的，为…；病故的，为…。 rules up to the sentence's end."""
    own = normalize_text(text[start:end])
    announced = lead_in_items(text, start, end, _ALL_ITEMS)
    if announced is not None:
        items = [normalize_text(i) for i in announced.text.split("；")]
        return own, announced.end, max(items, key=lambda i: weighed(terms, f"{own}{i}", "", p))
    if text[start:end].endswith(("：", ":")):
        stop = text.find("。", end)
        return own, stop if stop >= 0 else len(text), ""
    return None


def weighed(terms: Sequence[Term], words: str, context: str, p: AnswerPolicy) -> float:
    """The weight of the question's terms a sentence holds: a term in its own ``words`` counts fully, one
    only in its ``context`` (section, title, passage) context_credit, one written in short abbrev_credit."""
    return sum(
        t.weight
        if t.text in words
        else t.weight * p.context_credit
        if t.text in context
        else t.weight * p.abbrev_credit
        if t.unseen and abbreviates(t.text, words, p.abbrev_gap)
        else 0.0
        for t in terms
    )


def abbreviates(word: str, text: str, gap: int = 2) -> bool:
    """Whether ``word`` is a short form of something ``text`` says: its characters in order, at most
    ``gap`` characters apart (村委会 in 村民委员会)."""
    if not word:
        return False
    start = text.find(word[0])
    while start >= 0:
        # Earliest next character within the gap is optimal: it leaves the most room for the rest.
        pos, ok = start, True
        for ch in word[1:]:
            nxt = text.find(ch, pos + 1, pos + 2 + gap)
            if nxt < 0:
                ok = False
                break
            pos = nxt
        if ok:
            return True
        start = text.find(word[0], start + 1)
    return False


def referenced_words(text: str, start: int, end: int, terms: Sequence[Term], p: AnswerPolicy) -> str:
    """The words of what ``text[start:end]`` refers to by article number in the same document (违反本条例
    第四十一条规定 → the clause of 第四十一条 that best matches the question: 设置障碍、挖沟引水、打场晒粮),
    joined; "" when it refers to none or the articles are not in ``text``."""
    found = []
    for ref in _ARTICLE_REF.finditer(text, start, end):
        for m in _ARTICLE_IN_REF.finditer(ref.group(0)):
            article = _article(text, m.group(1))
            if article:
                pieces = [normalize_text(x) for x in _PIECE.findall(article)]
                found.append(max(pieces, key=lambda x: weighed(terms, x, "", p)))
    return "".join(found)


# A clause that continues its sentence's command (逾期不改正的, 拒不恢复的): its deed is in the clause before it.
CONTINUING = ("逾期", "拒不", "届期")
_CONTINUES = re.compile(rf"(?:{'|'.join(CONTINUING)})[^，。；;\n]{{0,20}}的，")


def continued_words(text: str, start: int) -> str:
    """The normalized words of the sentence ``text[start:]`` continues (…责令改正 before 逾期不改正的，处…罚款),
    back to the previous 。 or line break; "" when the clause at ``start`` does not continue one."""
    if not _CONTINUES.match(text, start):
        return ""
    back = start
    while back > 0 and text[back - 1] in " \u3000\n。":  # a new sentence or paragraph of the same article
        back -= 1
    opened = max(text.rfind("。", 0, back), text.rfind("\n", 0, back)) + 1
    return normalize_text(text[opened:back])


def _article(text: str, number: str) -> str:
    """The text of article 第{number}条 of a document (to the next article or heading), or ""."""
    head = next((m for m in _ARTICLE_HEAD.finditer(text) if m.group(1) == number), None)
    if head is None:
        return ""
    stop = _ARTICLE_END.search(text, head.end())
    return text[head.end() : stop.start() if stop else len(text)][:_ARTICLE_CHARS]


def region_scaled(terms: list[Term], info: QuestionInfo, scale: float) -> list[Term]:
    """A region the question names (山西的县分几类) picks documents (assistant.constraints,
    assistant.docmatch); a clause of that region's document says 全省 or 本省, not the region's
    name, so the region's words weigh ``scale`` of their rarity in a sentence."""
    if not info.regions or scale == 1.0:
        return terms
    return [
        replace(t, weight=t.weight * scale) if any(t.text in r or r in t.text for r in info.regions) else t
        for t in terms
    ]


def colloquial_capped(terms: list[Term], info: QuestionInfo) -> list[Term]:
    """A colloquial word the lexicon maps to formal wording (低保 → 最低生活保障) weighs no more than
    its formal form: documents rarely write the colloquial word, so its rarity would otherwise let
    the one clause that happens to use it outweigh the clauses that say it formally. Only a formal
    form that is itself a question term caps (a form of several words, 起|施行, would cap 开始施行
    by a word the question keeps anyway)."""
    formal = {t.text: t.weight for t in terms if t.text in info.expansions}
    caps: dict[str, float] = {}
    for key, forms in SYNONYMS.items():
        weights = [formal[f] for f in forms if f in formal]
        if key in info.text and weights:
            caps[key] = max(weights)
    if not caps:
        return terms
    return [
        replace(t, weight=min(t.weight, caps[t.text])) if t.text in caps else t
        for t in terms
        if t.text in caps or not any(t.text in key and len(t.text) < len(key) for key in caps)
    ]


_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇\d]+[编章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）])"
)


def looks_like_heading(sentence: str, max_chars: int) -> bool:
    """Short heading lines match a question's words without saying anything; they rank below text."""
    return len(sentence) <= max_chars and (
        not sentence.endswith(("。", "；", "！", "？")) or bool(_HEADING.match(sentence))
    )


def is_question_gram(gram: str) -> bool:
    """Whether a character bigram holds a question word (哪、什么、几…): it names nothing to look for."""
    return any(ch in "哪什么几吗呢啥咋谁怎多少" for ch in gram)
