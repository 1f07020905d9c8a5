"""Write jobs (写入任务): cancelling one, and refusing a document too big to embed before it starts.

Cancelling (取消): an ingest checks the token before each document and between embedding batches. A document is
stored only after all of its vectors are computed, so a cancel never leaves half of one: documents
committed before it stay, the one being embedded is left out (its vectors were never written), and
the ingest still finishes the keyword index and the manifest, so the index is consistent.

Size guard (块数上限): a file of allowed size may still explode into chunks (19 MB on one line makes
~25,000; 8 MB of bare ``第一条`` lines ~840,000), each of which must be embedded. Its chunk count is
estimated without the tokenizer first, and such a file is refused with the estimate in the message.
"""

from __future__ import annotations

import threading

from corpus.chunker import ChunkSettings, estimate_chunks, longest_line
from corpus.errors import CorpusError
from corpus.types import SourceDoc
from index.errors import IndexFailure

# 单个文件的块数上限: the largest law in ../shared/scale (人民检察院刑事诉讼规则, 313 KB) makes 766 chunks; a file
# that makes more than this would hold the only writer for a long time (about 15-40 chunks a second on two
# cores), so it is refused before any embedding.
MAX_DOC_CHUNKS = 5000


class Cancelled(IndexFailure):
    """The write was cancelled (已取消); raised at a checkpoint, caught by the knowledge base."""


class CancelToken:
    """Set by whoever may stop a write (the web 取消 button, Ctrl-C on the command line)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` once :meth:`cancel` was called (a checkpoint of the write)."""
        if self._event.is_set():
            raise Cancelled("已取消")


def check_size(doc: SourceDoc, settings: ChunkSettings, limit: int) -> None:
    """Refuse (``CorpusError``) a document whose estimated chunk count exceeds ``limit``: cheap, no jieba."""
    estimate = estimate_chunks(doc, settings, limit=limit)
    if estimate > limit:
        raise CorpusError(too_many_chunks(doc, estimate, limit, "预计"))


def too_many_chunks(doc: SourceDoc, chunks: int, limit: int, how: str = "") -> str:
    """The refusal, naming the file, its chunk count and the limit (and an over-long line if that is why)."""
    longest = longest_line(doc.text)
    why = f"其中最长的一行有 {longest:,} 字，" if longest > 20 * limit else ""
    return (
        f"{doc.source}: 内容异常，{how}切成 {chunks:,} 块，超过单个文件 {limit:,} 块的上限（{why}"
        "可能是没有换行的超长文本或大量空条目）；未导入，请检查或拆分文件后再导入"
    )
