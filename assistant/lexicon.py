"""Policy lexicon (政策词表): synonyms, abbreviations and colloquial wording → document wording.

Cadres ask in everyday words (退了承包地, 户口, 干活); the documents use formal terms (退出土地承包
经营权, 户籍, 工作). Expansions are appended to the question for retrieval and term matching only;
they never appear in an answer.
"""

from __future__ import annotations

from importlib import resources

from corpus.errors import PolicyAssistantError
from corpus.tokenize import default_tokenizer


def load_lexicon(text: str, source: str = "lexicon.tsv") -> dict[str, tuple[str, ...]]:
    """Colloquial form → formal forms from the tab-separated lexicon text (one entry a line, ``#``
    comments). A line without a formal form is an error naming the file and line."""
    out: dict[str, tuple[str, ...]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, *forms = (part.strip() for part in line.split("\t"))
        if not key or not forms or not all(forms):
            raise PolicyAssistantError(
                f"{source} 第{n}行：应为“口语说法<Tab>正式说法[<Tab>…]”，收到 {line!r}"
            )
        out[key] = tuple(forms)
    return out


# colloquial or abbreviated form → formal forms found in policy documents (data, not code: edit the file)
SYNONYMS: dict[str, tuple[str, ...]] = load_lexicon(
    resources.files("assistant").joinpath("data", "lexicon.tsv").read_text(encoding="utf-8")
)

# Documents are named in many ways; these cues name a document kind or an issuer region.
REGIONS = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip


def _word_spans(question: str) -> list[tuple[int, int]]:
    """Where each of the question's words sits (jieba's segmentation, punctuation left out)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for word in default_tokenizer().words(question):
        start = question.find(word, at)
        if start < 0:
            continue
        spans.append((start, start + len(word)))
        at = start + len(word)
    return spans


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
    out: list[str] = []
    spans: list[tuple[int, int]] | None = None
    for key, forms in SYNONYMS.items():
        if key not in question:
            continue
        if len(key) > 1:
            spans = _word_spans(question) if spans is None else spans
            if not _stands_as_words(question, key, spans):
                continue
        out.extend(f for f in forms if f not in question and f not in out)
    return out
