"""Single-writer lock (写锁) and in-use hold (在用标记) for a local index folder.

A persistent Chroma folder is not safe for two writing processes. Writers take an exclusive
``flock`` on ``write.lock``; the file records who holds it so the refusal can name the holder.
The OS releases the lock when the process dies, so a killed ingest never leaves it stuck.

A reader is not a writer, yet it must not see its folder replaced under it: a web server holds the
catalog and Chroma open and, after a restore swapped the folder, would answer from deleted files and
fail its next write with "readonly database". So every open knowledge base holds a shared ``flock`` on
``in-use.lock`` (:class:`InUse`), and whatever replaces the whole folder takes it exclusively first
(:func:`exclusive_use`), refusing while anyone has the folder open and naming who does.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from index.errors import IndexLocked
from index.layout import IndexLayout

Holder = dict[str, Any]  # what write.lock records: pid, host, login, cmd, since (epoch seconds)


class WriteLock:
    """``on_interrupted`` is called, with the lock held, with the record a killed writer left in the
    file (a writer that ends normally empties it), so the new holder can account for that writer's
    work (see :func:`index.audit.record_interrupted`). A lock without it hands the record on: it is
    written back at release, for the next writer that can use it."""

    def __init__(self, index_dir: Path, on_interrupted: Callable[[Holder], None] | None = None) -> None:
        self.path = IndexLayout(index_dir).write_lock
        self._fd: int | None = None
        self._on_interrupted = on_interrupted
        self._handed_on = b""

    def acquire(self) -> WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "未知进程"
            os.close(fd)
            raise IndexLocked(
                f"索引 {self.path.parent} 正被另一个进程写入（{holder}）。本地索引同一时间只允许一个写入进程；"
                "请等它结束，或改用 Chroma 服务器模式：--chroma-url http://127.0.0.1:8000"
            ) from None
        self._fd = fd
        left = os.pread(fd, 4096, 0)
        if left.strip():
            # Before the record is overwritten: killed meanwhile, the next holder still finds it.
            self._interrupted(left)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "login": _login(),
            "cmd": " ".join(sys.argv[:3]),
            "since": time.time(),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info, ensure_ascii=False).encode(), 0)
        return self

    def _interrupted(self, left: bytes) -> None:
        if self._on_interrupted is None:
            self._handed_on = left
            return
        try:
            holder = json.loads(left.decode("utf-8", "replace"))
        except ValueError:
            holder = {}
        try:
            self._on_interrupted(holder if isinstance(holder, dict) else {})
        except Exception:  # accounting for a dead writer must not stop this one
            logging.getLogger(__name__).exception("无法记录被中断的写入进程 %s", left[:200])

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            if self._handed_on:
                os.pwrite(self._fd, self._handed_on, 0)
                self._handed_on = b""
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


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class IndexInUse(IndexLocked):
    """Another process has the index folder open; the message names it."""


class InUse:
    """A shared hold on ``in-use.lock`` for as long as a knowledge base is open on the folder."""

    def __init__(self, index_dir: Path) -> None:
        self.path = IndexLayout(index_dir).in_use_lock
        self._fd: int | None = None

    def acquire(self) -> InUse:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError:  # a folder only readable to this user: a shared flock needs only a read handle
                try:
                    fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    return self  # cannot even create the marker: open unprotected rather than not at all
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise IndexLocked(
                    f"索引 {self.path.parent} 正在从备份恢复（policy-assistant restore），请等它完成后再打开"
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return self
            os.close(fd)  # a restore swapped the folder between open and lock: hold the new one

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the last descriptor drops the flock
            self._fd = None

    def __del__(self) -> None:  # a constructor that failed after acquiring must not keep the folder held
        self.release()


@contextmanager
def exclusive_use(index_dir: Path, advice: str) -> Iterator[None]:
    """Hold ``index_dir`` so that no knowledge base is open on it, or raise :class:`IndexInUse`.

    ``advice`` ends the refusal (what the user should do). Knowledge bases opening meanwhile are
    refused by :meth:`InUse.acquire` until this ends.
    """
    path = IndexLayout(index_dir).in_use_lock
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            users = "、".join(_holders(fd)) or "另一个进程"
            raise IndexInUse(f"索引目录 {index_dir} 正被{users}使用，{advice}") from None
        yield
    finally:
        os.close(fd)


def _holders(fd: int) -> list[str]:
    """The processes holding a flock on the file open at ``fd``, as "进程 PID（command）" (Linux /proc/locks)."""
    st = os.fstat(fd)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    pids: list[int] = []
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK" or fields[5] != key:
            continue  # "->" marks a waiter, not a holder
        if fields[4].isdigit() and int(fields[4]) not in pids:
            pids.append(int(fields[4]))
    return [_describe(pid) for pid in pids]


def _describe(pid: int) -> str:
    if pid == os.getpid():
        return f"本进程 {pid}"
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"进程 {pid}"
    args = [a for a in raw.decode(errors="replace").split("\0") if a]
    if len(args) > 1 and os.path.basename(args[0]).startswith("python"):
        args = args[1:]  # "python …/policy-assistant serve": the script says more than the interpreter
    cmd = " ".join([os.path.basename(args[0]), *args[1:]]) if args else ""
    cmd = "".join(ch if ch.isprintable() else "?" for ch in cmd)
    return f"进程 {pid}（{cmd[:120]}）" if cmd else f"进程 {pid}"
