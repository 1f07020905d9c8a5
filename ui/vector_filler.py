"""The web server's background embedding worker (后台向量补齐): fills the vectors an upload, a re-index or a
command-line ``ingest`` queued (:mod:`index.embed_queue`), one small batch at a time between the other
writes, so an uploaded file answers keyword questions at once and gains dense retrieval as it goes.

It measures its own rate (passages per second of embedding, idle time left out) for the time left the
knowledge-base page shows, and can be paused and resumed (``pause`` returns once the batch in flight is
stored, so a test or an operator knows no vector is being written). The clock is injectable; nothing
here sleeps except while waiting for work.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from assistant import IndexLocked

log = logging.getLogger(__name__)

POLL = 2.0  # how often an empty queue is looked at (a command-line ingest may fill it at any time)
RETRY = 30.0  # after an embedder failure (a remote server down): try again this much later
RATE_WINDOW = 20  # batches the rate is measured over (recent ones: the machine's load changes)


class VectorFiller:
    """A daemon thread calling ``embed_batch()`` (passages embedded, 0 when the queue is empty) until
    :meth:`close`; :meth:`wake` after a write that queued vectors starts it without waiting a poll."""

    def __init__(
        self,
        embed_batch: Callable[[], int],
        *,
        clock: Callable[[], float] = time.monotonic,
        poll: float = POLL,
        retry: float = RETRY,
    ) -> None:
        self._embed_batch = embed_batch
        self.clock = clock
        self.poll = poll
        self.retry = retry
        self.error: str | None = None  # the last failure (it retries), shown by the knowledge-base page
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._idle = threading.Event()  # set while the queue is empty (or the worker is paused)
        self._running = threading.Event()  # cleared by pause()
        self._running.set()
        self._batch = threading.Lock()  # held while a batch is embedded and stored
        self._recent: deque[tuple[int, float]] = deque(maxlen=RATE_WINDOW)
        self._rate_lock = threading.Lock()
        self._gen = 0
        self._thread = threading.Thread(target=self._loop, name="vector-filler", daemon=True)

    # -- control -------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a write just queued vectors)."""
        self._gen += 1  # a batch that found the queue empty before this call does not count as idle
        self._idle.clear()
        self._wake.set()

    def pause(self) -> None:
        """Stop taking batches; returns once the batch in flight (if any) is stored."""
        self._running.clear()
        with self._batch:
            pass

    def resume(self) -> None:
        self._running.set()
        self.wake()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the worker found the queue empty (after a :meth:`wake`); False on timeout."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._stop.set()
        self._running.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()  # at most the batch it is embedding

    # -- rate --------------------------------------------------------------------------------------------
    def rate(self) -> float | None:
        """Passages per second over the recent batches (embedding time only), None before the first one."""
        with self._rate_lock:
            done = sum(n for n, _ in self._recent)
            seconds = sum(s for _, s in self._recent)
        return done / seconds if done and seconds > 0 else None

    def eta(self, passages: int) -> float | None:
        """Seconds to embed ``passages`` more at the recent rate."""
        rate = self.rate()
        return passages / rate if rate else None

    # -- the loop ----------------------------------------------------------------------------------------
    def once(self) -> int:
        """Embed and store one batch (also callable directly, e.g. by a test with the thread not started)."""
        with self._batch:
            if self._stop.is_set() or not self._running.is_set():
                return 0
            t0 = self.clock()
            n = self._embed_batch()
            if n:
                with self._rate_lock:
                    self._recent.append((n, self.clock() - t0))
            return n

    def _loop(self) -> None:
        while not self._stop.is_set():
            if not self._running.is_set():
                self._idle.set()
                self._running.wait()
                continue
            gen = self._gen
            try:
                n = self.once()
                self.error = None
            except IndexLocked:  # a command-line ingest or embed is writing: it fills them, or we do later
                self._nap(self.poll)
                continue
            except Exception as exc:  # an embedder failure must not stop the server; say it, try again
                if self._stop.is_set():
                    return
                self.error = f"向量补齐失败（{type(exc).__name__}: {exc}），稍后重试"
                log.warning("%s", self.error)
                self._nap(self.retry)
                continue
            if n == 0:
                if gen == self._gen:
                    self._idle.set()
                self._nap(self.poll)

    def _nap(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()
