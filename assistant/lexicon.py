"""Policy lexicon (政策词表): synonyms, abbreviations and colloquial wording → document wording.

Cadres ask in everyday words (退了承包地, 户口, 干活); the documents use formal terms (退出土地承包
经营权, 户籍, 工作). Expansions are appended to the question for retrieval and term matching only;
they never appear in an answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

from assistant.word_tables import read_table
from corpus.errors import PolicyAssistantError
from corpus.tokenize import default_tokenizer, word_offsets

# colloquial or abbreviated form → formal forms found in policy documents (data, not code: edit the file)
SYNONYMS: dict[str, tuple[str, ...]] = read_table("lexicon.tsv")

# Documents are named in many ways; these cues name a document kind or an issuer region.
REGIONS = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip


def load_cities(text: str, source: str = "cities.tsv") -> dict[str, str]:
    """City (地级行政区) → its province, from ``province<Tab>name name …`` lines (``#`` comments)."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        province, _, names = line.partition("\t")
        if province.strip() not in REGIONS or not names.split():
            raise PolicyAssistantError(f"{source} 第{n}行：应为“省份<Tab>城市 城市…”，收到 {line!r}")
        out.update((name, province.strip()) for name in names.split() if name not in REGIONS)
    return out


# city → province (data: edit the file); 吉林 and other names that are a province's too stay provinces
CITY_PROVINCE: dict[str, str] = load_cities(
    resources.files("assistant").joinpath("data", "cities.tsv").read_text(encoding="utf-8")
)
_CITY_SUFFIXES = ("市", "地区", "州", "盟")


def _city_of(word: str) -> str:
    """The city a word names (惠州, 宁波市, 黔东南州), or ""."""
    if word in CITY_PROVINCE:
        return word
    for suffix in _CITY_SUFFIXES:
        if word.endswith(suffix) and word[: -len(suffix)] in CITY_PROVINCE:
            return word[: -len(suffix)]
    return ""


def cities_in(question: str) -> tuple[str, ...]:
    """Cities a question names as whole words: 惠州那边, 宁波市的; never inside a word (长治久安)."""
    found = (_city_of(w) for w in default_tokenizer().words(question))
    return tuple(dict.fromkeys(c for c in found if c))


@lru_cache(maxsize=4096)
def city_in_title(title: str) -> str:
    """The city a document's title or issuer names with its suffix (汕尾市农村建房条例), or ""."""
    for city in CITY_PROVINCE:
        if any(city + suffix in title for suffix in _CITY_SUFFIXES):
            return city
    return ""


def province_of(place: str) -> str:
    """The province of a city, or the place itself (a province)."""
    return CITY_PROVINCE.get(place, place)


def _word_spans(question: str) -> list[tuple[int, int]]:
    """Where each of the question's words sits (jieba's segmentation, punctuation left out)."""
    return word_offsets(question, default_tokenizer().words(question))


def _stands_as_words(question: str, key: str, spans: list[tuple[int, int]]) -> bool:
    """Whether ``key`` occurs where a word starts, or inside one word (低保 in 低保户), not from the
    middle of a word: 回来 in 收回|来 is not 回来 (返乡). Only the start is checked, since jieba often
    splits a question word's end (哪|天起)."""
    start = question.find(key)
    while start >= 0:
        end = start + len(key)
        inside_one = any(a <= start and end <= b for a, b in spans)
        if inside_one or not any(a < start < b for a, b in spans):
            return True
        start = question.find(key, start + 1)
    return False


def expansions(question: str) -> list[str]:
    """Formal terms implied by the question's colloquial or abbreviated wording (a form counts only
    where it is a word of the question, not two halves of neighbouring words)."""
    return implied_forms(question, SYNONYMS)


def implied_forms(question: str, table: Mapping[str, Sequence[str]]) -> list[str]:
    """The forms ``table`` gives for the keys that are words of the question, those the question does
    not already say, in table order (the lexicon's, or the documents' own definitions)."""
    out: list[str] = []
    spans: list[tuple[int, int]] | None = None
    for key, forms in table.items():
        if key not in question:
            continue
        spans = _word_spans(question) if spans is None else spans
        if len(key) == 1:
            # One character is a word of its own (能当护林员吗, 扶贫的钱), never part of one (当事人, 应当).
            if not any(b - a == 1 and question[a] == key for a, b in spans):
                continue
        elif not _stands_as_words(question, key, spans):
            continue
        out.extend(f for f in forms if f not in question and f not in out)
    return out
