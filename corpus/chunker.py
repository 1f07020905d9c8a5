"""Chunking (切块): pack whole sentences into passages up to a jieba-token budget.

Rules: a chunk holds whole sentences, never crosses a top-level section, starts afresh at a heading
once it is reasonably full, and repeats the previous chunk's last sentence (one-sentence overlap)
so an answer that straddles a border is still found whole in one passage. A sentence longer than
the budget is cut at commas (，), or as a last resort at a fixed width, keeping exact spans.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corpus.ids import chunk_id_for, doc_id_for
from corpus.sentences import split_sentences
from corpus.structure import Line, analyse, breadcrumb
from corpus.types import Chunk, SourceDoc


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """Chunker settings, recorded in the index manifest (切块参数)."""

    max_tokens: int = 100  # jieba words per chunk (tuned on the dev set: bench/retrieval.py)
    overlap_sentences: int = 1
    min_fill: float = 0.4  # a heading closes the running chunk once it holds this share of the budget

    def to_dict(self) -> dict[str, object]:
        from corpus.tokenize import TOKENIZER_VERSION

        return {
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


def _pieces(
    text: str, s: int, e: int, line: Line, budget: int, count: Callable[[str], int]
) -> list[_Sentence]:
    """Split an over-long sentence at commas, then at a fixed width, so every piece fits."""
    n = count(text[s:e])
    if n <= budget:
        return [_Sentence(s, e, line, n)]
    cuts = [i + 1 for i in range(s, e - 1) if text[i] in "，,、："]
    pieces: list[_Sentence] = []
    begin = s
    for cut in [*cuts, e]:
        if cut == e or count(text[begin:cut]) >= budget * 0.8:
            piece_end = cut
            piece_tokens = count(text[begin:piece_end])
            if piece_tokens > budget:
                width = max(8, (piece_end - begin) * budget // (piece_tokens * 2))
                for w in range(begin, piece_end, width):
                    sub_end = min(w + width, piece_end)
                    pieces.append(_Sentence(w, sub_end, line, count(text[w:sub_end])))
            else:
                pieces.append(_Sentence(begin, piece_end, line, piece_tokens))
            begin = piece_end
            if begin >= e:
                break
    return pieces


def chunk_document(
    doc: SourceDoc, count: Callable[[str], int], settings: ChunkSettings | None = None
) -> list[Chunk]:
    """All chunks of one document, in document order, spans exact into ``doc.text``."""
    cfg = settings or ChunkSettings()
    text = doc.text
    lines = analyse(text, doc.skip)
    sentences: list[_Sentence] = []
    for s, e, line in split_sentences(text, lines):
        sentences.extend(_pieces(text, s, e, line, cfg.max_tokens, count))

    doc_id = doc_id_for(doc.source)
    groups: list[tuple[list[_Sentence], int]] = []  # (sentences, how many lead sentences are overlap)
    current: list[_Sentence] = []
    overlap = 0
    used = 0
    for sent in sentences:
        if current:
            # Skipped boilerplate between two sentences is a border too: never glue text across it.
            crosses_top = sent.line.top != current[-1].line.top or any(
                current[-1].end <= a < sent.start for a, _ in doc.skip
            )
            at_heading = sent.line.is_heading and sent.start == sent.line.start
            full = used + sent.tokens > cfg.max_tokens
            if crosses_top or full or (at_heading and used >= cfg.max_tokens * cfg.min_fill):
                groups.append((current, overlap))
                keep = current[-cfg.overlap_sentences :] if cfg.overlap_sentences and not crosses_top else []
                # Overlap only when it leaves room for new text and the new sentence is not a heading.
                if at_heading or sum(k.tokens for k in keep) + sent.tokens > cfg.max_tokens:
                    keep = []
                current, overlap, used = list(keep), len(keep), sum(k.tokens for k in keep)
        current.append(sent)
        used += sent.tokens
    if current:
        groups.append((current, overlap))

    chunks: list[Chunk] = []
    for group, lead in groups:
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
