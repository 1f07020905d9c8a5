"""The append-only audit log: its format, concurrent writers, and the command line's entries."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from security_kit import MALICIOUS

from index.audit import ACTIONS, AUDIT_FILE, AuditLog, cli_user


def test_entries_are_appended_never_rewritten(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / AUDIT_FILE)
    first = log.record("zhang", "upload", ["a.txt"], "ok", added=["a.txt"])
    before = log.path.read_bytes()
    log.record("li", "delete", ["a.txt"], "not_found")
    after = log.path.read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 2
    assert set(first) >= {"time", "user", "action", "documents", "result"}
    assert [e["action"] for e in log.entries()] == ["upload", "delete"]
    assert log.path.stat().st_mode & 0o777 == 0o600
    assert set(ACTIONS) == {
        "ingest",
        "upload",
        "delete",
        "reindex",
        "restore",
        "api",
        "curate",
        "enable",
        "disable",
    }
    with pytest.raises(ValueError, match="未知的审计动作"):
        log.record("x", "drop-table", [], "ok")


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / AUDIT_FILE)
    long_name = "很长的文件名" * 200  # lines of several KB

    def write(n: int) -> None:
        for i in range(40):
            log.record(f"user{n}", "upload", [f"{long_name}-{n}-{i}"], "ok")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 320 and all(json.loads(line)["result"] == "ok" for line in lines)


@pytest.mark.slow
def test_command_line_ingest_and_remove_are_audited(tmp_path: Path) -> None:
    from assistant.cli import main

    index = tmp_path / "index"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "m05-html-js.txt").write_text((MALICIOUS / "m05-html-js.txt").read_text("utf-8"), "utf-8")
    (docs / "broken.pdf").write_bytes(b"not a pdf")
    assert main(["ingest", str(docs), "--index", str(index), "--quiet"]) == 1  # one file failed
    assert main(["remove", "m05-html-js.txt", "--index", str(index)]) == 0
    assert main(["remove", "no-such.txt", "--index", str(index)]) == 1
    entries = AuditLog(index / AUDIT_FILE).entries()
    assert [(e["action"], e["result"]) for e in entries] == [
        ("ingest", "partial"),
        ("delete", "ok"),
        ("delete", "not_found"),
    ]
    assert all(e["user"] == cli_user() for e in entries)
    assert entries[0]["documents"] == ["m05-html-js.txt"] and "broken.pdf" in entries[0]["failed"][0]
    assert entries[1]["documents"] == ["m05-html-js.txt"]
