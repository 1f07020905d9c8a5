"""CPU priority of embedding threads (嵌入线程优先级): passage batches run below questions.

Shared by the bundled engine (:mod:`index.embedder`) and the converted one (:mod:`index.onnx_embedder`),
so a question's embedding gets the cores while an upload is being embedded.
"""

from __future__ import annotations

import contextlib
import os
import threading

PASSAGE_NICE = 5  # how much lower passage batches run than questions (Linux nice steps; 19 is the lowest)


def lower_thread_priority() -> None:
    """Lower the calling thread's CPU priority (a per-thread attribute on Linux; elsewhere a no-op)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not permitted: normal priority
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + PASSAGE_NICE))
