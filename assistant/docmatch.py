"""Matching the documents a question names (文件指向): 北京条例, 2023年一号文件, 乡村振兴促进法.

A named document is matched against titles by in-order character coverage (so 北京条例 finds
北京市乡村振兴促进条例), with the lexicon's formal names tried too (三中全会决定 →
进一步全面深化改革…决定). A region in the name must be the title's region. When a question names
a document that no title matches, the knowledge base does not hold it, and the answer says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer_types import QuestionInfo
from assistant.lexicon import REGIONS, SYNONYMS
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from index.catalog import DocRecord

MATCH_THRESHOLD = DEFAULT_POLICY.name_match  # see AnswerPolicy.name_match
_GENERIC = ("中华人民共和国", "暂行", "省", "市")


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


@dataclass(frozen=True, slots=True)
class DocHints:
    """Per-document weights for retrieval and the names no document matched."""

    weights: dict[str, float]
    missing: tuple[str, ...]  # named documents the knowledge base does not hold
    targeted: tuple[str, ...]  # doc ids a named document points to


def document_hints(
    info: QuestionInfo, docs: Sequence[DocRecord], policy: AnswerPolicy = DEFAULT_POLICY
) -> DocHints:
    """Weights for the documents the question points to (by name, region, year or kind)."""
    weights: dict[str, float] = {}
    missing: list[str] = []
    targeted: list[str] = []
    for name in info.named_docs:
        matches = _NameMatcher(name, policy.name_match)
        hits = [d.doc_id for d in docs if matches(d.title)]
        if hits:
            targeted.extend(h for h in hits if h not in targeted)
        else:
            missing.append(name)
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
        if w != 1.0:
            weights[d.doc_id] = w
    return DocHints(weights, tuple(missing), tuple(targeted))
