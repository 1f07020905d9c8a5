"""Evaluation metrics (评测指标) as pure functions over plain values.

Retrieval metrics take ``rels``: one boolean per ranked passage, best first (``True`` = the passage
holds the gold evidence). They return the per-question value; the scorer averages them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from evaluation.textnorm import normalize, split_segments, strip_citation_markers

__all__ = [
    "char_f1",
    "citation_correct",
    "citation_precision",
    "citation_supported",
    "cmrc_tokens",
    "concise_accuracy",
    "contains",
    "doc_at_1",
    "evidence_hit",
    "exact_match",
    "hit_at_k",
    "key_accuracy",
    "longest_common_substring",
    "mrr",
    "ndcg_at_k",
    "offsets_valid",
    "refusal_correct",
    "same_source",
    "short_answer_correct",
    "verdict_agrees",
    "verdict_polarity",
]

MIN_OVERLAP = 12
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*|\S")
CONCISE_LIMIT = 150


# ---------------------------------------------------------------- matching helpers


def _basename(path: str) -> str:
    # Sources may arrive as bare names or as paths from either OS; the gold set uses bare names.
    flavour: type[PurePath] = PureWindowsPath if "\\" in path else PurePosixPath
    return flavour(path.strip()).name


def same_source(source: str, gold_doc: str) -> bool:
    """Whether a passage/citation source (来源文件) is the gold document, comparing file names only.

    A name without an extension (another system's document key) matches the gold file's stem.
    """
    if not gold_doc.strip():
        return False
    name, gold = _basename(source), _basename(gold_doc)
    return name == gold or (bool(name) and "." not in name and name == PurePosixPath(gold).stem)


def _source_allows(source: str, gold_doc: str) -> bool:
    # Another system may quote without naming the file: then only the words decide.
    return not source.strip() or same_source(source, gold_doc)


def contains(haystack: str, needle: str) -> bool:
    """Substring test on already normalized text that respects number boundaries (数字边界).

    A needle starting (ending) with a digit may not be preceded (followed) by a digit or decimal
    point: key ``300`` must not match ``3000``, nor ``60%`` match ``160%``.
    """
    if not needle:
        return True
    before = r"(?<![0-9.])" if needle[0].isdigit() else ""
    after = r"(?![0-9]|\.[0-9])" if needle[-1].isdigit() else ""
    return re.search(before + re.escape(needle) + after, haystack) is not None


def longest_common_substring(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Length of the longest common contiguous run (最长公共子串) of two strings or token lists."""
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _shares_window(text: str, evidence: str, length: int) -> bool:
    # "Some substring of the evidence of exactly `length` chars occurs in text" is the same test as
    # "longest common substring >= length", but uses C-speed `in` instead of an O(n*m) table.
    return any(evidence[i : i + length] in text for i in range(len(evidence) - length + 1))


def _overlaps(text: str, evidence: str, min_overlap: int) -> bool:
    if not evidence:
        return False
    if evidence in text or _shares_window(text, evidence, min(min_overlap, len(evidence))):
        return True
    norm_text, norm_ev = normalize(text), normalize(evidence)
    if not norm_ev:
        return False
    return norm_ev in norm_text or _shares_window(norm_text, norm_ev, min(min_overlap, len(norm_ev)))


def evidence_hit(
    passage_text: str, passage_source: str, gold_doc: str, evidence: str, min_overlap: int = MIN_OVERLAP
) -> bool:
    """Whether a retrieved passage holds the gold evidence (命中依据原文).

    The passage must come from the gold document and either contain the evidence or, since chunk
    borders may cut it, share a common substring of at least ``min(min_overlap, len(evidence))``
    characters with it; checked on the raw text and again on normalized text (width, whitespace).
    Another system's passage may name no source: then only the text decides.
    """
    return _source_allows(passage_source, gold_doc) and _overlaps(passage_text, evidence, min_overlap)


# ---------------------------------------------------------------- retrieval (检索)


def hit_at_k(rels: Sequence[bool], k: int) -> bool:
    """Hit@k (前k命中): some passage among the first ``k`` is relevant."""
    return any(rels[:k])


def mrr(rels: Sequence[bool], k: int | None = None) -> float:
    """Reciprocal rank (倒数排名) of the first relevant passage, 0 when none; its mean is MRR."""
    for rank, rel in enumerate(rels[:k] if k is not None else rels, start=1):
        if rel:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(
    rels: Sequence[bool], k: int = 10, *, multi: bool = False, n_relevant: int | None = None
) -> float:
    """nDCG@k (归一化折损累计增益) with binary gains.

    ``multi=False``: only the first relevant passage counts (there is one piece of evidence per
    question; a second chunk repeating it adds nothing), so the value is ``1/log2(rank+1)``.
    ``multi=True``: every relevant passage in the top ``k`` gains 1; the ideal ranking puts
    ``n_relevant`` relevant passages first (default: as many as were retrieved in the top ``k``,
    because the total number of relevant chunks in the index is not known to the evaluator).
    """
    top = list(rels[:k])
    if not multi:
        first = next((i for i, rel in enumerate(top) if rel), None)
        return 0.0 if first is None else 1.0 / math.log2(first + 2)
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(top) if rel)
    ideal_n = min(k, n_relevant if n_relevant is not None else sum(top))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal_n))
    return dcg / idcg if idcg else 0.0


def doc_at_1(doc_matches: Sequence[bool]) -> bool:
    """Doc@1 (首条文件正确): the top passage comes from the gold document."""
    return bool(doc_matches) and bool(doc_matches[0])


# ---------------------------------------------------------------- answers (答案)


def key_accuracy(answer: str, keys: Iterable[str]) -> bool:
    """Key accuracy (要点准确率): every normalized key occurs in the normalized answer.

    No keys means nothing is required (True); the gold loader demands keys for answerable items.
    """
    # Strip [1] first: normalize would keep its digit and 5月1日[1] would fail the digit boundary.
    norm_answer = normalize(strip_citation_markers(answer))
    return all(contains(norm_answer, normalize(key)) for key in keys)


def concise_accuracy(answer: str, keys: Iterable[str], limit: int = CONCISE_LIMIT) -> bool:
    """Key accuracy plus brevity (简洁准确率): at most ``limit`` characters without citation markers."""
    return len(strip_citation_markers(answer)) <= limit and key_accuracy(answer, keys)


def short_answer_correct(short: str, answers: Iterable[str], limit: int = CONCISE_LIMIT) -> bool:
    """Short-answer accuracy (简答准确率): the short answer states one gold answer.

    Normalized, some gold answer occurs in it (digit boundaries respected: 300 is not in 3000) and it
    is at most ``limit`` characters, so pasting a whole article does not count as a short answer.
    """
    plain = strip_citation_markers(short)
    if not plain or len(plain) > limit:
        return False
    norm = normalize(plain)
    return any(gold and contains(norm, gold) for gold in (normalize(a) for a in answers))


# A verdict's first words (是非判断): 不能/不行/不用/否/禁止… say no; 可以/能/要/应当/算… say yes when the
# word stands alone (可以。/ 要，…), so 对农民免费提供 or 是指… open with no verdict.
_NO_VERDICT = re.compile(r"(?!不仅|不断|不同|不论|无论)(?:不|没|无|否|禁止|严禁|别)")
_YES_VERDICT = re.compile(
    r"(?:可以|能|行|是|要|应当|应该|必须|需要|得|有|会|算|允许|合法|合规|对|中)(?:[，。,.！!；;：:]|$)"
)


def verdict_polarity(text: str) -> str | None:
    """``"no"`` or ``"yes"`` for a text that opens with a verdict (不能，… / 可以。…), None otherwise."""
    plain = strip_citation_markers(text).lstrip(" 　“\"'（(")
    if _NO_VERDICT.match(plain):
        return "no"
    return "yes" if _YES_VERDICT.match(plain) else None


def verdict_agrees(short: str, answers: Sequence[str]) -> bool | None:
    """Verdict accuracy (判断一致): the answer opens with the verdict the first gold answer opens with;
    None when that gold answer opens with none (对农民免费… states a rule rather than a yes or no)."""
    gold = verdict_polarity(answers[0]) if answers else None
    return None if gold is None else verdict_polarity(short) == gold


def cmrc_tokens(text: str) -> list[str]:
    """CMRC2018-style tokens (分词): split at whitespace and punctuation, normalize each segment, then
    a run of ASCII letters/digits (with a decimal part) is one token and every other character
    (汉字, %, /) is its own token."""
    return [tok for seg in split_segments(text) for tok in _TOKEN.findall(normalize(seg))]


def exact_match(pred: str, answers: Iterable[str]) -> bool:
    """Exact match (完全匹配) after normalization against any gold answer."""
    norm = normalize(strip_citation_markers(pred))
    return any(norm == normalize(ans) for ans in answers)


def char_f1(pred: str, answers: Iterable[str]) -> float:
    """Character F1 (字符级F1) as in the CMRC2018 evaluation script, max over gold answers.

    As in that script the overlap is the longest common *contiguous* token sequence (not SQuAD's
    bag of tokens): precision = lcs/len(pred), recall = lcs/len(gold).
    """
    pred_tokens = cmrc_tokens(strip_citation_markers(pred))
    best = 0.0
    for ans in answers:
        gold_tokens = cmrc_tokens(ans)
        lcs = longest_common_substring(gold_tokens, pred_tokens)
        if lcs == 0:
            continue
        precision, recall = lcs / len(pred_tokens), lcs / len(gold_tokens)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


# ---------------------------------------------------------------- citations (引用)


def _field(citation: Mapping[str, Any] | Any, name: str) -> Any:
    return citation.get(name, "") if isinstance(citation, Mapping) else getattr(citation, name, "")


def citation_supported(
    citation: Mapping[str, Any] | Any, gold_doc: str, evidence: str, keys: Iterable[str] = ()
) -> bool:
    """One citation is from the gold document and its quote overlaps the evidence by >= 12
    characters (raw or normalized), or contains one of the gold keys."""
    source, quote = str(_field(citation, "source") or ""), str(_field(citation, "quote") or "")
    if not _source_allows(source, gold_doc):
        return False
    if _overlaps(quote, evidence, MIN_OVERLAP):
        return True
    norm_quote = normalize(quote)
    return any(k and contains(norm_quote, k) for k in (normalize(key) for key in keys))


def citation_correct(citations: Iterable[Mapping[str, Any] | Any], gold_doc: str, evidence: str) -> bool:
    """Citation correctness (引用正确): some citation is from the gold document and its quote contains
    the evidence or overlaps it by at least ``min(12, len(evidence))`` characters.

    Offsets are not needed: the quote text is matched, raw and normalized (full/half width and
    whitespace folded). A citation naming no file is judged by its quote alone.
    """
    return any(
        _source_allows(str(_field(c, "source") or ""), gold_doc)
        and _overlaps(str(_field(c, "quote") or ""), evidence, MIN_OVERLAP)
        for c in citations
    )


def citation_precision(
    citations: Sequence[Mapping[str, Any] | Any], gold_doc: str, evidence: str, keys: Iterable[str] = ()
) -> float:
    """Citation precision (引用精确率): share of citations that are ``citation_supported``.

    A citation counts when it is from the gold document and its quote overlaps the evidence by at
    least ``min(12, len(evidence))`` characters or contains a gold key (a second quote that states
    the same key elsewhere in the document is still support). No citations gives 0.0.
    """
    if not citations:
        return 0.0
    key_list = list(keys)
    return sum(citation_supported(c, gold_doc, evidence, key_list) for c in citations) / len(citations)


def offsets_valid(citation: Mapping[str, Any] | Any, doc_text: str) -> bool:
    """The citation's ``quote`` is exactly ``doc_text[start:end]`` (原文偏移可核对)."""
    start, end, quote = _field(citation, "start"), _field(citation, "end"), _field(citation, "quote")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(doc_text):
        return False
    return bool(quote) and doc_text[start:end] == quote


# ---------------------------------------------------------------- refusal (拒答)


def refusal_correct(question_type: str, found: bool) -> bool:
    """Type ``none`` must be refused (found == False); any other type must be answered.

    For an answerable question, found == False is a false refusal (误拒)."""
    return (not found) if question_type == "none" else found
