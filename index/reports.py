"""What an ingest tells while it runs and when it ends (入库进度与结果), and the one summary line
the command line, the web upload and the re-index button all show (:meth:`IngestReport.summary`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from corpus.types import LoadFailure

__all__ = ["IngestReport", "IngestStep", "PhaseFn", "ProgressFn", "StepFn"]

Detail = Literal["counts", "short", "full"]  # how much IngestReport.summary says
ProgressFn = Callable[[str, int, int, int], None]  # (file name, docs done, docs total, chunks so far)


@dataclass(frozen=True, slots=True)
class IngestStep:
    """Where an ingest is inside one document (入库进度): phase "read" (读取/切分), "embed" (计算向量,
    ``done``/``total`` chunks after each embedding batch) or "store" (写入索引)."""

    name: str
    file_no: int  # 1-based
    files: int
    phase: str
    done: int = 0
    total: int = 0


StepFn = Callable[[IngestStep], None]
PhaseFn = Callable[[str, int, int], None]  # (phase, chunks done, chunks total) within the current file


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did (入库结果)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[LoadFailure, ...] = ()
    chunks_total: int = 0
    chunks_embedded: int = 0
    chars: int = 0
    seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)
    cancelled: tuple[str, ...] = ()  # files not stored because the write was cancelled (取消)
    queued: int = 0  # passages stored without vectors yet, left to the vector queue (index.embed_queue)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    def summary(self, detail: Detail = "short") -> str:
        """The ingest summary (入库摘要) in one line, the one the CLI and the web pages show.

        ``counts``: "新增 a，更新 u，未变 n，失败 f"; ``short`` adds the chunks and the time (web upload and
        re-index); ``full`` adds the newly embedded chunks and the throughput (the command line).
        """
        counts = f"新增 {len(self.added)}，更新 {len(self.updated)}，未变 {len(self.unchanged)}，失败 {len(self.failed)}"
        if detail == "counts":
            return counts
        if detail == "short":
            return f"{counts}；共 {self.chunks_total} 块，用时 {self.seconds:.1f} 秒"
        secs = max(self.seconds, 1e-9)
        if self.queued:  # searchable by keyword now; the vectors follow (index.embed_queue)
            return (
                f"{counts}；共 {self.chunks_total} 块，可按关键词检索；{self.queued} 块等待计算向量；"
                f"用时 {self.seconds:.1f} 秒"
            )
        return (
            f"{counts}；共 {self.chunks_total} 块，新嵌入 {self.chunks_embedded} 块；用时 {self.seconds:.1f} 秒"
            f"（{self.chunks_total / secs:.1f} 块/秒，{self.chars / secs:.0f} 字/秒）"
        )
