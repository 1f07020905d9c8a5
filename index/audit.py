"""Audit log (审计日志): one JSON line per change to a knowledge base's documents, appended, never rewritten.

The file ``audit.jsonl`` lives in the index folder, so the command line and the web chat write to the
same log. Each line: ``time`` (ISO 8601, local offset), ``user`` (a web user name, or ``cli:<login>``),
``action`` (ingest | upload | delete | reindex | restore), ``documents``, ``result`` (ok, partial,
failed, rejected, not_found, denied, error: …) and optional details (added, updated, failed reasons). The file is opened with ``O_APPEND`` for every
record and written with one ``write`` call, so concurrent writers never interleave or overwrite lines.
"""

from __future__ import annotations

import getpass
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.jsonl"
ACTIONS = ("ingest", "upload", "delete", "reindex", "restore")


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
    return AuditLog(index_dir / AUDIT_FILE)


def cli_user() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli:unknown"


def ingest_result(report: Any) -> str:
    """``ok``, ``partial`` (some files failed) or ``failed`` (nothing ingested) for an ``IngestReport``."""
    if not report.failed:
        return "ok"
    return "partial" if (report.added or report.updated or report.unchanged) else "failed"
