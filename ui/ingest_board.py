"""Each file's state on the documents table (导入进度板): while an upload runs 排队中 → 读取中 → 写入中
(or 失败：原因, kept until the next upload); once committed the file is listed by the catalog like any
other, 关键词可检索 with its vectors queued, then 向量 n/N with the time left while the background filler
embeds it (:func:`vector_state`), then 可用. Pure: no Gradio; the clock is injectable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from assistant import DocVectors, IngestReport, IngestStep
from ui import render

QUEUED = "排队中"
PHASE_STATES = {"read": "读取中", "store": "写入中"}
KEYWORD_READY = "关键词可检索"  # committed: keyword hits now, dense hits once its vectors exist


class Eta:
    """Time left (预计剩余时间) of an embedding, from the rate of the batches so far."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._file: tuple[str, int] | None = None
        self._start = 0.0

    def left(self, s: IngestStep) -> float | None:
        """Seconds left for the file ``s`` is embedding, once a first batch gave the rate."""
        if s.phase != "embed":
            return None
        now = self.clock()
        if self._file != (s.name, s.file_no):
            self._file, self._start = (s.name, s.file_no), now
            return None
        if s.done <= 0 or now <= self._start:
            return None
        return (now - self._start) / s.done * max(0, s.total - s.done)


def vector_state(v: DocVectors, eta: float | None = None, error: str | None = None) -> str:
    """The state of a committed document whose vectors are not all there (``v.state`` != ready):
    关键词可检索，向量排队 0/N before the filler reached it, 关键词可检索，向量 n/N，约剩 … while it is
    embedded (``eta``: seconds left for its ``pending`` passages), and the filler's ``error`` if it fails."""
    done = v.total - v.pending
    if error:
        return f"{KEYWORD_READY}，向量 {done}/{v.total}；{error}"
    if v.state == "queued" and done == 0:
        return f"{KEYWORD_READY}，向量排队 0/{v.total}"
    return f"{KEYWORD_READY}，向量 {done}/{v.total}{eta_text(eta)}"


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"，约剩 {max(1, round(seconds))} 秒"
    return f"，约剩 {round(seconds / 60)} 分钟"


class IngestBoard:
    """File name → state of the files of the upload running now (or the failures of the last one)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._states: dict[str, str] = {}
        self._eta = Eta(clock)
        self.active = False

    def start(self, names: Iterable[str]) -> None:
        with self._lock:
            self._states = {n: QUEUED for n in names}
            self._eta = Eta(self.clock)
            self.active = True

    def step(self, s: IngestStep) -> str:
        """Record where ``s`` is; the state as shown (also what the progress bar says)."""
        if s.phase == "embed":
            state = f"向量 {s.done}/{s.total}{eta_text(self._eta.left(s))}"
        else:
            state = PHASE_STATES.get(s.phase, s.phase)
        with self._lock:
            self._states[s.name] = state
        return state

    def finish(self, report: IngestReport | None, rejected: Sequence[tuple[str, str]] = ()) -> None:
        """Stored files leave the board (the catalog lists them); failed and refused files stay, with the
        reason, until the next upload."""
        failed = {Path(f.path).name: f.reason for f in report.failed} if report else {}
        failed.update({name: why for name, why in rejected})
        with self._lock:
            self._states = {n: f"失败：{why}" for n, why in failed.items()}
            self.active = False

    def items(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._states.items())


def board_rows(items: Sequence[tuple[str, str]], stored: Iterable[str]) -> list[list[str | int]]:
    """Rows for the documents table (``render.DOC_HEADERS``) of the files not stored yet (a new file)."""
    known = set(stored)
    rows: list[list[str | int]] = []
    for name, state in items:
        if name not in known:  # a stored file's state shows on its own row (``state`` of document_rows)
            row: list[str | int] = ["" for _ in render.DOC_HEADERS]
            row[render.DOC_HEADERS.index("标题")] = render.plain(name)
            row[render.DOC_HEADERS.index("文件名")] = render.plain(name)
            row[render.DOC_HEADERS.index("状态")] = render.plain(state)
            row[render.DOC_HEADERS.index("块数")] = 0
            rows.append(row)
    return rows
