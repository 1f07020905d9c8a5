"""Matching the documents a question names (文件指向): 北京条例, 2023年一号文件, 乡村振兴促进法.

A named document is matched against titles by in-order character coverage (so 北京条例 finds
北京市乡村振兴促进条例), with the lexicon's formal names tried too (三中全会决定 →
进一步全面深化改革…决定). A region in the name must be the title's region. A name no title matches
that well still points to the closest titles when they hold most of its characters in order
(乡村振新法, one typo: :attr:`AnswerPolicy.name_loose`). A year in the name (2024年一号文件, 24年…)
is matched against the documents' years, not as characters: a name whose document the knowledge base
holds only for other years, or only for other regions, is a :class:`NameGap`, and the answer says
which constraint is not covered (:mod:`assistant.constraints`). When a question names a document
that no title comes close to, the knowledge base does not hold it, and the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer_types import QuestionInfo
from assistant.lexicon import REGIONS, SYNONYMS, cities_in, city_in_title
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.question import doc_kind, written_kind
from corpus.tokenize import default_tokenizer
from index.catalog import DocRecord

MATCH_THRESHOLD = DEFAULT_POLICY.name_match  # see AnswerPolicy.name_match
_GENERIC = ("中华人民共和国", "暂行", "省", "市", "的")  # words a loose name may leave out


def lcs_len(a: str, b: str) -> int:
    """Length of the longest common subsequence (in-order characters) of two short strings."""
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if ch == other else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def _variants(name: str) -> list[str]:
    out = [name]
    for key, forms in SYNONYMS.items():
        if key in name:
            out.append(name.replace(key, "".join(forms)))
    for word in _GENERIC:
        out += [v.replace(word, "") for v in list(out) if word in v]
    return [v for v in dict.fromkeys(out) if v]


def name_matches(name: str, title: str, threshold: float = MATCH_THRESHOLD) -> bool:
    return _NameMatcher(name, threshold)(title)


class _NameMatcher:
    """One named document checked against many titles: its variants are worked out once, and a title
    lacking too many of a variant's characters is passed over before the (quadratic) LCS. At 2,488
    titles the LCS on every title cost hundreds of milliseconds per question that names a document."""

    def __init__(self, name: str, threshold: float = MATCH_THRESHOLD) -> None:
        self.regions = [r for r in REGIONS if r in name]
        self.variants = [(v, threshold * len(v)) for v in _variants(name)]

    def __call__(self, title: str) -> bool:
        if self.regions and not any(r in title for r in self.regions):
            return False
        chars = set(title)
        for v, need in self.variants:
            # The LCS cannot be longer than the count of v's characters that occur in the title at all.
            if sum(ch in chars for ch in v) >= need and lcs_len(v, title) >= need:
                return True
        return False


_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)?\d{2})年(?:的|版|出台的|发布的|印发的)?")


def split_year(name: str) -> tuple[str, str]:
    """(year, name without it) of a named document: 24年一号文件 → ("2024", "一号文件")."""
    m = _NAME_YEAR.search(name)
    if not m:
        return "", name
    year = m.group(1) if len(m.group(1)) == 4 else "20" + m.group(1)
    return year, (name[: m.start()] + name[m.end() :]).strip("的 ")


# The number of a five-year plan (五年规划), written 十四五 or 第十四个五年: 十四五规划 is not 十五五规划.
_PLAN_ORDINAL = re.compile(
    r"第?(十[一二三四五六七八九]?)(?:五(?=[”\"’']?(?:规划|计划|时期|期间|建议|纲要))|个五年)"
)


def plan_ordinal(text: str) -> str:
    """The five-year plan a name or title speaks of, as its number (十四五 → 十四, 第十五个五年规划 → 十五);
    "" for none."""
    m = _PLAN_ORDINAL.search(text)
    return m.group(1) if m else ""


def doc_years(doc: DocRecord) -> set[str]:
    """Years a document is known by: those in its title (2023年中央一号文件, 2019年修订) and its date's."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})年", doc.title))
    if doc.date[:4].isdigit():
        years.add(doc.date[:4])
    return years


def label_year(doc: DocRecord) -> str:
    """The year a document is called by: the first in its title (2023年中央一号文件), else its date's."""
    m = re.search(r"(?<!\d)((?:19|20)\d{2})年", doc.title)
    return m.group(1) if m else doc.date[:4] if doc.date[:4].isdigit() else ""


def name_similarity(name: str, title: str, floor: float = 0.0) -> float:
    """Share of the name's characters found in order in the title (best over its aliases); 0 when the
    name's region is not the title's. 乡村振新法 → 中华人民共和国乡村振兴促进法: 0.8 (one typo).
    Variants that cannot reach ``floor`` skip the (quadratic) LCS and count 0, as for strict matching."""
    title = re.sub(r"[\s\u3000]+", "", title)
    if any(r in name for r in REGIONS) and not any(r in title for r in REGIONS if r in name):
        return 0.0
    chars = set(title)
    best = 0.0
    for v in _variants(name):
        if sum(ch in chars for ch in v) / len(v) >= max(floor, best, 1e-9):
            best = max(best, lcs_len(v, title) / len(v))
    return best


@dataclass(frozen=True, slots=True)
class NameGap:
    """A named document the knowledge base holds, but not of the asked year or region (年份或地区不符):
    2024年一号文件 when 2023 and 2025 are held, 天津市乡村振兴促进条例 when 北京 and 广东 are."""

    kind: str  # year | region | plan
    asked: str  # 2024 | 天津 | 十四五
    name: str  # the name without the year, region or plan number, as asked (一号文件, 乡村振兴促进条例, 规划建议)
    others: tuple[str, ...]  # doc ids of the same name in other years or regions
    labels: tuple[str, ...]  # their years or regions


@dataclass(frozen=True, slots=True)
class DocHints:
    """Per-document weights for retrieval and the names no document matched."""

    weights: dict[str, float]
    missing: tuple[str, ...]  # named documents the knowledge base does not hold
    targeted: tuple[str, ...]  # doc ids a named document points to
    gaps: tuple[NameGap, ...] = ()


def _closest(core: str, docs: Sequence[DocRecord], policy: AnswerPolicy) -> list[DocRecord]:
    """The documents a name (without its year) points to: by the strict rule, else the closest
    titles when close enough (loose names and misspellings: 乡村振新法). When several titles match,
    those of the name's kind win (乡村振兴促进法 names the law, not the 乡村振兴促进条例 beside it)."""
    matcher = _NameMatcher(core, policy.name_match)
    found = [d for d in docs if matcher(d.title)]
    kind = doc_kind(core)
    if kind and len(found) > 1:
        found = [d for d in found if doc_kind(d.title).endswith(kind)] or found
    # 那个保护发展规划 may be a plan in everyday words: it points loosely only to a title holding most of
    # it (无障碍环境建设办法 → …建设条例), never to one sharing 发展…规划 (…第十五个五年规划的建议).
    loose = policy.name_loose_common if _common_noun_name(core) else policy.name_loose
    if not found and len(core) >= policy.name_loose_chars:
        scored = [(name_similarity(core, d.title, loose), d) for d in docs]
        best = max((s for s, _ in scored), default=0.0)
        if best >= loose:
            found = [d for s, d in scored if s >= best - 1e-9]
    # A law and a regulation of one name are two documents (无障碍环境建设法 replaced the 条例 of 2012):
    # a name of one kind does not point to a title of the other.
    return [d for d in found if not _law_and_regulation(core, d.title)]


def _is_law(name: str) -> bool:
    """A law (…法), not a set of measures (…办法), which doc_kind counts as 法 too."""
    kind = written_kind(name)
    return kind.endswith("法") and not kind.endswith("办法")


def _law_and_regulation(asked: str, title: str) -> bool:
    kinds = {doc_kind(asked), doc_kind(title)}
    return "条例" in kinds and (_is_law(asked) or _is_law(title))


def doc_region(doc: DocRecord) -> str:
    """Where a regional document applies (from its title, else its issuer): the city it names with its
    suffix (汕尾市…条例), else the province; "" for national."""
    for source in (doc.title, doc.issuer):
        city = city_in_title(source)
        if city:
            return city
        for r in REGIONS:
            if r in source:
                return r
    return ""


def _region_of(title: str) -> str:
    return next((r for r in REGIONS if r in title), "")


def _match_name(
    name: str, docs: Sequence[DocRecord], policy: AnswerPolicy
) -> tuple[list[str], list[str], NameGap | None]:
    """(doc ids the name points to, names the knowledge base lacks, a year or region it lacks)."""
    year, core = split_year(name)
    # 河南的规定, 按绍兴的规定: a place's rules in general, not one title (not 北京…若干规定, nor 绍兴市村庄规划
    # 建设条例, which shares a few of the words): every document of the place is pointed to, and a region
    # with none is refused by its own check (constraints).
    place = _region_of(core) or next(iter(cities_in(core)), "")
    if place and _after_region(core, place) in _REGION_RULES:
        return [d.doc_id for d in docs if place in d.title or place in d.issuer], [], None
    found = _closest(core, docs, policy)
    if not found:
        region = _region_of(core)
        # 天津市乡村振兴促进条例: the same rule of other regions is held, not this region's.
        bare = _after_region(core, region) if region else ""
        others = [d for d in _closest(bare, docs, policy) if _region_of(d.title)] if bare else []
        if others:
            labels = tuple(dict.fromkeys(_region_of(d.title) for d in others))
            return [], [], NameGap("region", region, bare, tuple(d.doc_id for d in others), labels)
        return [], [name], None
    plan = plan_ordinal(core)
    if plan:
        # 十四五规划建议 shares every character but one with the 十五五 plan's title: the plan's number is
        # matched as a year is, not as characters.
        of_plan = [d for d in found if plan_ordinal(d.title) == plan]
        if not of_plan:
            labels = tuple(dict.fromkeys(f"{p}五" for d in found if (p := plan_ordinal(d.title))))
            name_rest = _PLAN_ORDINAL.sub("", core).strip("“”\"'的 ")
            return [], [], NameGap("plan", f"{plan}五", name_rest, tuple(d.doc_id for d in found), labels)
        found = of_plan
    if not year:
        return [d.doc_id for d in found], [], None
    of_year = [d for d in found if year in doc_years(d)]
    if of_year:
        return [d.doc_id for d in of_year], [], None
    labels = tuple(sorted({label_year(d) for d in found} - {""}))
    return [], [], NameGap("year", year, core, tuple(d.doc_id for d in found), labels)


def document_hints(
    info: QuestionInfo, docs: Sequence[DocRecord], policy: AnswerPolicy = DEFAULT_POLICY
) -> DocHints:
    """Weights for the documents the question points to (by name, region, year or kind)."""
    weights: dict[str, float] = {}
    missing: list[str] = []
    targeted: list[str] = []
    gaps: list[NameGap] = []
    for name in info.named_docs:
        hits, lacking, gap = _match_name(name, docs, policy)
        targeted.extend(h for h in hits if h not in targeted)
        missing.extend(n for n in lacking if f"《{n}》" in info.text or not _common_noun_name(n))
        if gap is not None:
            gaps.append(gap)
    # A question naming no place nor document is answered from national rules first: they hold
    # everywhere, one province's rule only there.
    national_first = not info.regions and not info.named_docs
    for d in docs:
        w = 1.0
        if d.doc_id in targeted:
            w *= policy.named_doc_weight
        if info.regions and any(r in d.title or r in d.issuer for r in info.regions):
            w *= policy.region_weight
        if info.years and any(y in d.title or d.date.startswith(y) for y in info.years):
            w *= policy.year_weight
        if info.kinds and any(k in d.title for k in info.kinds):
            w *= policy.kind_weight
        if national_first and doc_region(d):
            w *= policy.regional_weight
        if w != 1.0:
            weights[d.doc_id] = w
    return DocHints(weights, tuple(missing), tuple(targeted), tuple(gaps))


# Kinds that are everyday nouns too (分红方案, 帮扶办法, 村里的规划, 初审意见, 开庭通知): without a mark of
# a title (issuer, region, year, 关于/实施/暂行…), a name of these kinds the knowledge base lacks is no
# missing document.
_COMMON_KINDS = ("方案", "规划", "办法", "规定", "意见", "通知")
_TITLE_MARK = re.compile(r"\d|十[一二三四五六七八九]五|国务院|中央|关于|实施|暂行|试行|管理|条例")
# An issuer or place ends a word (农业农村部, 民政厅, 县民政局, 潍坊市, 县); two-character words ending the
# same way are mostly everyday ones (布局, 格局, 干部, 城市, 节省), so they mark no title.
_ISSUER_ENDS = ("部", "委", "厅", "局", "省", "市", "县")


# What a region's rules are called in general (河南的规定, 山东的政策), naming no one document.
_REGION_RULES = frozenset({"规定", "相关规定", "有关规定", "政策", "相关政策", "文件", "法规", "地方法规"})


def _common_noun_name(name: str) -> bool:
    """A name (not in 《》) that may be an everyday noun: 分红方案 rather than a document's title. A name
    described by a clause (村委会拿出来的公开方案) is judged by its head after the last 的; titles hold
    的 only after 关于 (关于…的意见)."""
    if "的" in name and "关于" not in name:
        name = name.rsplit("的", 1)[1]
    return (
        name.endswith(_COMMON_KINDS)
        and not _TITLE_MARK.search(name)
        and not any(r in name for r in REGIONS)
        and not any(len(w) != 2 and w.endswith(_ISSUER_ENDS) for w in default_tokenizer().words(name))
    )


def _after_region(name: str, region: str) -> str:
    """``name`` after its first mention of ``region`` and the region's suffixes (维吾尔/壮族/回族, 自治区/省/市, 的);
    ``name`` itself when the region is not in it. String steps, not a pattern built from data."""
    at = name.find(region)
    if at < 0:
        return name
    rest = name[at + len(region) :]
    for choices in (("维吾尔", "壮族", "回族"), ("自治区", "省", "市"), ("的",)):
        for suffix in choices:
            if rest.startswith(suffix):
                rest = rest[len(suffix) :]
                break
    return rest
