"""Chunking (切块): pack whole sentences into passages up to a jieba-token budget.

Rules: a chunk holds whole sentences, never crosses a top-level section, starts afresh at a heading
once it is reasonably full, and repeats the previous chunk's last sentence (one-sentence overlap)
so an answer that straddles a border is still found whole in one passage. A sentence longer than
the budget is cut at commas (，), or as a last resort at a fixed width, keeping exact spans.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from corpus.ids import chunk_id_for, doc_id_for
from corpus.sentences import split_sentences
from corpus.structure import Line, analyse, breadcrumb
from corpus.types import Chunk, SourceDoc

# Bump when chunk boundaries or sections change for the same input (structure, sentences, packing):
# the manifest then asks for a rebuild, which reuses every vector whose chunk text is unchanged.
CHUNKER_VERSION = "sections+sentences/3"


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """Chunker settings, recorded in the index manifest (切块参数)."""

    max_tokens: int = 100  # jieba words per chunk (tuned on the dev set: bench/retrieval.py)
    overlap_sentences: int = 1
    min_fill: float = 0.4  # a heading closes the running chunk once it holds this share of the budget

    def to_dict(self) -> dict[str, object]:
        from corpus.tokenize import TOKENIZER_VERSION

        return {
            "chunker": CHUNKER_VERSION,
            "tokenizer": TOKENIZER_VERSION,
            "max_tokens": self.max_tokens,
            "overlap_sentences": self.overlap_sentences,
            "min_fill": self.min_fill,
        }


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    line: Line
    tokens: int


# A sentence longer than this many characters is never handed to the tokenizer whole: its comma
# segments are counted one by one, and a segment longer than this is cut at this width first. Real
# sentences are far shorter; the limit keeps a hostile single-line file linear in time and memory
# (jieba builds a per-character DAG of the whole string it is given).
_LONG_CHARS = 4000
_COMMAS = frozenset("，,、：")


def _segments(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """``[s, e)`` cut after each comma (not after a final one), long segments cut at ``_LONG_CHARS``."""
    cuts = [i + 1 for i in range(s, e - 1) if text[i] in _COMMAS]
    segments: list[tuple[int, int]] = []
    begin = s
    for cut in [*cuts, e]:
        segments.extend((a, min(a + _LONG_CHARS, cut)) for a in range(begin, cut, _LONG_CHARS))
        begin = cut
    return segments


def _pieces(
    text: str, s: int, e: int, line: Line, budget: int, count: Callable[[str], int]
) -> list[_Sentence]:
    """Split an over-long sentence at commas, then at a fixed width, so every piece fits.

    Each comma segment is counted once and the counts are summed (jieba never joins words across a
    comma, so the sum equals the count of the joined text): linear, however many commas there are.
    """
    if e - s <= _LONG_CHARS:
        n = count(text[s:e])
        if n <= budget:
            return [_Sentence(s, e, line, n)]
    pieces: list[_Sentence] = []
    begin = s
    used = 0
    for a, b in _segments(text, s, e):
        used += count(text[a:b])
        if b < e and used < budget * 0.8:
            continue
        if used > budget or b - begin > _LONG_CHARS:
            width = max(8, min(_LONG_CHARS, (b - begin) * budget // (max(used, 1) * 2)))
            for w in range(begin, b, width):
                sub_end = min(w + width, b)
                pieces.append(_Sentence(w, sub_end, line, count(text[w:sub_end])))
        else:
            pieces.append(_Sentence(begin, b, line, used))
        begin, used = b, 0
    return pieces


def _skip_between(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a skipped range starts in ``[lo, hi)`` (``starts`` sorted): one bisect, not a scan."""
    i = bisect_left(starts, lo)
    return i < len(starts) and starts[i] < hi


def _sentences(doc: SourceDoc, count: Callable[[str], int], cfg: ChunkSettings) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for s, e, line in split_sentences(doc.text, analyse(doc.text, doc.skip)):
        sentences.extend(_pieces(doc.text, s, e, line, cfg.max_tokens, count))
    return sentences


def _announces(text: str, sent: _Sentence) -> bool:
    """Whether a sentence is a lead-in that announces items (…应当对下列人员进行登记：)."""
    return text[sent.start : sent.end].rstrip().endswith(("：", ":"))


_ITEM_KINDS = frozenset({"cn_paren", "num_item", "num_paren"})


def _is_item(sent: _Sentence) -> bool:
    """Whether a sentence opens a list item line (（一） / 1. / （1）)."""
    line = sent.line
    return (
        line.is_heading and sent.start == line.start and bool(line.path) and line.path[-1].kind in _ITEM_KINDS
    )


def _pack(
    text: str, sentences: list[_Sentence], skip: tuple[tuple[int, int], ...], cfg: ChunkSettings
) -> list[tuple[list[_Sentence], int]]:
    """Sentences grouped into chunks: (sentences, how many lead sentences are overlap)."""
    skip_starts = sorted(a for a, _ in skip)
    groups: list[tuple[list[_Sentence], int]] = []
    current: list[_Sentence] = []
    overlap = 0
    used = 0
    listing = False  # inside the items a lead-in announced
    for sent in sentences:
        if current:
            # Skipped boilerplate between two sentences is a border too: never glue text across it.
            crosses_top = sent.line.top != current[-1].line.top or _skip_between(
                skip_starts, current[-1].end, sent.start
            )
            at_heading = sent.line.is_heading and sent.start == sent.line.start
            # 下列事项…：（一）…（二）…: the items a lead-in announces are headings by their form, yet the
            # lead-in is what says what they are; they start no chunk of their own.
            if _announces(text, current[-1]):
                listing = True
            elif at_heading and not _is_item(sent):
                listing = False
            announced = at_heading and listing and _is_item(sent)
            full = used + sent.tokens > cfg.max_tokens
            if (
                crosses_top
                or full
                or (at_heading and not announced and used >= cfg.max_tokens * cfg.min_fill)
            ):
                groups.append((current, overlap))
                keep = current[-cfg.overlap_sentences :] if cfg.overlap_sentences and not crosses_top else []
                if announced and not crosses_top:
                    # Within a list the next chunk repeats the lead-in (and the items since), so every
                    # chunk of items still says what they are.
                    lead = [i for i, k in enumerate(current) if _announces(text, k)]
                    keep = current[lead[-1] :] if lead and cfg.overlap_sentences else []
                # Overlap only when it leaves room for new text and the new sentence is not a heading
                # (unless the overlap is the lead-in of the items that follow).
                fits = sum(k.tokens for k in keep) + sent.tokens <= cfg.max_tokens
                if (at_heading and not announced) or not fits:
                    keep = []
                current, overlap, used = list(keep), len(keep), sum(k.tokens for k in keep)
        current.append(sent)
        used += sent.tokens
    if current:
        groups.append((current, overlap))
    return groups


def chunk_document(
    doc: SourceDoc, count: Callable[[str], int], settings: ChunkSettings | None = None
) -> list[Chunk]:
    """All chunks of one document, in document order, spans exact into ``doc.text``."""
    cfg = settings or ChunkSettings()
    text = doc.text
    doc_id = doc_id_for(doc.source)
    chunks: list[Chunk] = []
    for group, lead in _pack(text, _sentences(doc, count, cfg), doc.skip, cfg):
        start, end = group[0].start, group[-1].end
        # The section is where the chunk's new text begins; the overlap sentence belongs to the previous.
        section = breadcrumb(group[min(lead, len(group) - 1)].line.path)
        body = text[start:end]
        chunks.append(
            Chunk(
                chunk_id=chunk_id_for(doc_id, section, start, body),
                doc_id=doc_id,
                source=doc.source,
                section=section,
                start=start,
                end=end,
                text=body,
                ordinal=len(chunks),
            )
        )
    return chunks


# -- estimate (块数预估) -------------------------------------------------------------------------------
# jieba cuts policy Chinese into words of about 2.1 characters (measured on ../shared/corpus); letters and
# digits run together into one word. Punctuation is not a word.
_CHARS_PER_WORD = 2.1
_MAX_CHARS_PER_WORD = 3  # on average over a whole document: a safe floor for the word count
_WORDS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")


def approx_count(text: str) -> int:
    """About as many words as ``Tokenizer.count`` finds in ``text``, without jieba (regex speed)."""
    han = ascii_words = 0
    for word in _WORDS.findall(text):
        if len(word) == 1 and word > "\u3000":
            han += 1
        else:
            ascii_words += 1
    return round(han / _CHARS_PER_WORD) + ascii_words


def estimate_chunks(
    doc: SourceDoc, settings: ChunkSettings | None = None, *, limit: int | None = None
) -> int:
    """About how many chunks :func:`chunk_document` makes of ``doc``, at a fraction of its cost.

    The same structure, sentences and packing, with each piece's words estimated by :func:`approx_count`
    instead of jieba (which is what makes chunking slow). With ``limit``, a document whose text alone
    needs more than ``limit`` chunks returns that lower bound straight away, before any parsing:
    19 MB of one line, or 8 MB of bare ``第一条`` lines, are refused in well under a second.
    """
    cfg = settings or ChunkSettings()
    if limit is not None:
        # A chunk holds at most max_tokens words and a word at most a few characters, so the CJK
        # characters alone bound the chunk count from below (bytes beyond one per character are those
        # of the 3-byte CJK characters: no list of matches is built for a 19 MB line).
        wide = (len(doc.text.encode("utf-8", "surrogatepass")) - len(doc.text)) // 2
        bound = wide // (_MAX_CHARS_PER_WORD * cfg.max_tokens)
        if bound > limit:
            return bound
    return len(_pack(doc.text, _sentences(doc, approx_count, cfg), doc.skip, cfg))


def longest_line(text: str) -> int:
    """Characters in the longest line of ``text`` (for telling the user why a file makes so many chunks)."""
    return max(map(len, text.split("\n")), default=0)
