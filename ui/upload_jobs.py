"""The files of a web upload around its write (上传文件的保管): kept in the uploads folder (which a
re-index reads again), a replaced file set aside until the write ran, and taken back when the write
never started or a cancel left the file out, so the folder always matches what the index holds.
Also the audit details of an upload or re-index.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import IngestReport, ingest_result


def keep(uploads_dir: Path, accepted: Sequence[tuple[str, Path]]) -> tuple[list[Path], dict[Path, Path]]:
    """Copy the uploads into the folder; a file one replaces is moved aside (hidden) until the write ran."""
    kept: list[Path] = []
    aside: dict[Path, Path] = {}
    for name, tmp in accepted:
        target = uploads_dir / name
        if target.exists():
            aside[target] = uploads_dir / f".previous-{uuid.uuid4().hex}"  # hidden: re-index skips it
            target.replace(aside[target])
        shutil.copyfile(tmp, target)
        kept.append(target)
    return kept, aside


def put_back(kept: Sequence[Path], aside: dict[Path, Path]) -> None:
    """Undo :func:`keep`: the write never started, so the folder is left as it was."""
    for target in kept:
        target.unlink(missing_ok=True)
    for target, previous in aside.items():
        previous.replace(target)
    aside.clear()


def forget(kept: Sequence[Path], aside: dict[Path, Path], cancelled: Sequence[str]) -> None:
    """Take back the uploads a cancel left out: the folder goes back to what the index holds."""
    for target in kept:
        if target.name in cancelled:
            target.unlink(missing_ok=True)
            previous = aside.pop(target, None)
            if previous is not None:
                previous.replace(target)


def set_aside_dropped(aside: dict[Path, Path]) -> None:
    """Delete the files :func:`keep` set aside (the write ran)."""
    for previous in aside.values():
        previous.unlink(missing_ok=True)
    aside.clear()


def details(report: IngestReport) -> dict[str, Any]:
    """The audit record's details of an upload or re-index."""
    return {
        "added": list(report.added), "updated": list(report.updated), "unchanged": len(report.unchanged),
        "failed": [f.reason for f in report.failed], "queued": report.queued,
        **({"cancelled": list(report.cancelled)} if report.cancelled else {}),
    }  # fmt: skip


def job_result(report: IngestReport) -> str:
    return "cancelled" if report.cancelled else ingest_result(report)
