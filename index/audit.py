"""Audit log (审计日志): one JSON line per change to a knowledge base's documents, appended, never rewritten.

The file ``audit.jsonl`` lives in the index folder, so the command line and the web chat write to the
same log. Each line: ``time`` (ISO 8601, local offset), ``user`` (a web user name, or ``cli:<login>``),
``action`` (ingest | upload | delete | reindex | restore | api | curate), ``documents``, ``result`` (ok, partial,
failed, rejected, not_found, denied, busy, interrupted, error: …) and optional details (added, updated, failed reasons). The file is opened with ``O_APPEND`` for every
record and written with one ``write`` call, so concurrent writers never interleave or overwrite lines.
"""

from __future__ import annotations

import getpass
import json
import os
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from index.layout import AUDIT_LOG, IndexLayout

AUDIT_FILE = AUDIT_LOG  # the file name, kept for importers (index.layout names it)
# api: refused open-API calls (ui.api); curate: a curated answer (精选答案) added, edited or deleted
ACTIONS = ("ingest", "upload", "delete", "reindex", "restore", "api", "curate", "enable", "disable")


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(
        self, user: str | None, action: str, documents: Iterable[str], result: str, **detail: Any
    ) -> dict[str, Any]:
        """Append one entry and return it."""
        if action not in ACTIONS:
            raise ValueError(f"未知的审计动作 {action!r}，应为 {' / '.join(ACTIONS)} 之一")
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "user": user or "anonymous",
            "action": action,
            "documents": list(documents),
            "result": result,
            **detail,
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


def audit_log(index_dir: Path) -> AuditLog:
    return AuditLog(IndexLayout(index_dir).audit_log)


def cli_user() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli:unknown"


WRITES = ("ingest", "upload", "reindex")


def _epoch(stamp: object) -> float | None:
    try:
        return datetime.strptime(str(stamp), "%Y-%m-%dT%H:%M:%S%z").timestamp()
    except ValueError:
        return None


def record_interrupted(
    log: AuditLog, writer: Mapping[str, Any], documents: Iterable[Any]
) -> dict[str, Any] | None:
    """Record what a killed writer committed (补记被中断的写入); called by the next writer, under the lock.

    ``writer`` is the record the killed process left in ``write.lock`` (pid, login, cmd, since); a
    writer that ends normally empties it, and records its own work after that, so this runs exactly
    once per killed writer. ``documents`` are the catalog's records: those stored at or after
    ``since`` are the killed writer's, since no other writer ran meanwhile. Each is listed as
    ``added``, or ``updated`` when an earlier entry of the log names it. Nothing is recorded when the
    lock file did not say when the writer started.
    """
    since = writer.get("since")
    if not isinstance(since, int | float):
        return None
    committed = sorted(d.source for d in documents if d.ingested_at >= since)
    known: set[str] = set()
    for entry in log.entries() if committed else []:
        when = _epoch(entry.get("time"))
        if entry.get("action") in WRITES and when is not None and when < since:
            known.update(entry.get("documents") or (), entry.get("added") or (), entry.get("updated") or ())
    cmd = str(writer.get("cmd") or "")
    return log.record(
        f"cli:{writer.get('login') or 'unknown'}",
        "upload" if " serve" in f" {cmd}" else "ingest",
        committed,
        "interrupted",
        added=[name for name in committed if name not in known],
        updated=[name for name in committed if name in known],
        recovered=True,
        writer={"pid": writer.get("pid"), "host": writer.get("host"), "cmd": cmd, "since": since},
        note=f"写入进程 {writer.get('pid')}（{cmd}）被中断；以上文件已入库但未记入审计日志，由进程 {os.getpid()} 补记",
    )


def ingest_result(report: Any) -> str:
    """``ok``, ``partial`` (some files failed) or ``failed`` (nothing ingested) for an ``IngestReport``."""
    if not report.failed:
        return "ok"
    return "partial" if (report.added or report.updated or report.unchanged) else "failed"
