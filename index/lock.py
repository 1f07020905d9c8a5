"""Single-writer lock (写锁) for a local index folder.

A persistent Chroma folder is not safe for two writing processes. Writers take an exclusive
``flock`` on ``write.lock``; the file records who holds it so the refusal can name the holder.
The OS releases the lock when the process dies, so a killed ingest never leaves it stuck.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from index.errors import IndexLocked


class WriteLock:
    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / "write.lock"
        self._fd: int | None = None

    def acquire(self) -> WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "未知进程"
            os.close(fd)
            raise IndexLocked(
                f"索引 {self.path.parent} 正被另一个进程写入（{holder}）。本地索引同一时间只允许一个写入进程；"
                "请等它结束，或改用 Chroma 服务器模式：--chroma-url http://127.0.0.1:8000"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "cmd": " ".join(sys.argv[:3]),
            "since": time.time(),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> WriteLock:
        return self.acquire()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
