"""Evaluation reports (评测报告): JSON, Markdown and one self-contained HTML page.

The JSON report is the record: stamped with the git commit, the index manifest and each
configuration's settings, and holding every score. Markdown and HTML are rendered from that JSON
alone, so a report can be re-rendered later: :mod:`evaluation.report_markdown` and
:mod:`evaluation.report_html` (its charts in :mod:`evaluation.report_charts`), over the tables of
:mod:`evaluation.report_tables`. This module makes the record and writes the three files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.report_html import render_html
from evaluation.report_markdown import render_markdown
from evaluation.runner import EvalRun

__all__ = ["ReportPaths", "git_commit", "report_data", "write_reports"]

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class ReportPaths:
    json: Path
    markdown: Path
    html: Path


# ---------------------------------------------------------------- the JSON record


def git_commit(repo: Path = REPO) -> dict[str, Any]:
    """``{"commit": <HEAD sha or "unknown">, "dirty": bool | None}`` of the code that ran."""
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return {"commit": "unknown", "dirty": None}
        status = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return {"commit": head.stdout.strip(), "dirty": dirty}


def report_data(run: EvalRun, title: str = "政策通评测报告") -> dict[str, Any]:
    """The JSON report (评测记录) of a run."""
    gold = run.gold
    types: dict[str, int] = {}
    for item in gold:
        types[item.type] = types.get(item.type, 0) + 1

    return {
        "title": title,
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "started_at": run.started_at,
        "seconds": round(run.seconds, 2),
        "git": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "gold": {
            "path": str(run.gold_path),
            "n_items": len(gold),
            "n_answerable": sum(item.type != "none" for item in gold),
            "n_none": sum(item.type == "none" for item in gold),
            "types": dict(sorted(types.items())),
        },
        "index": {"dir": run.index_dir, "manifest": run.manifest},
        "configs": [
            {
                "name": r.name,
                "description": r.description,
                "settings": r.settings,
                "index_dir": r.index_dir,
                "manifest": r.manifest,
                "build": r.build,
                "predictions": str(r.predictions),
                "seconds": round(r.seconds, 2),
                "errors": list(r.errors),
                "scores": r.report.to_dict(),
            }
            for r in run.runs
        ],
    }


# ---------------------------------------------------------------- files


def write_reports(data: dict[str, Any], out_dir: str | Path, stem: str = "report") -> ReportPaths:
    """Write ``<stem>.json``, ``<stem>.md`` and ``<stem>.html`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(out / f"{stem}.json", out / f"{stem}.md", out / f"{stem}.html")
    paths.json.write_text(json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
    paths.markdown.write_text(render_markdown(data), encoding="utf-8")
    paths.html.write_text(render_html(data), encoding="utf-8")
    return paths
