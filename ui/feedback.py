"""Feedback store (用户反馈): ratings and comments on answers, durable in SQLite, exported as CSV/XLSX.

Each row keeps the question, the answer text and its citations (JSON), so trainers can review it and
the evaluation can turn it into gold items. Exports neutralize spreadsheet formulas (a cell that
starts with ``=``, ``+``, ``-`` or ``@`` is prefixed with ``'``).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import PolicyAssistantError

RATINGS = ("up", "down")
COLUMNS = ("id", "time", "question", "answer", "found", "citations", "rating", "comment", "answer_id")
_HEADERS_ZH = ("编号", "时间", "问题", "回答", "是否找到依据", "引用(JSON)", "评价", "意见", "回答编号")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, found INTEGER, citations TEXT NOT NULL, rating TEXT NOT NULL
        CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '', answer_id TEXT NOT NULL DEFAULT ''
);
"""


class FeedbackError(PolicyAssistantError, ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    id: int
    created: float
    question: str
    answer: str
    found: bool
    citations: tuple[dict[str, Any], ...]
    rating: str
    comment: str
    answer_id: str

    def cells(self) -> list[str | int]:
        return [
            self.id,
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.created)),
            self.question,
            self.answer,
            "是" if self.found else "否",
            json.dumps(list(self.citations), ensure_ascii=False),
            "👍" if self.rating == "up" else "👎",
            self.comment,
            self.answer_id,
        ]


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def add(
        self,
        *,
        question: str,
        answer: str,
        citations: Sequence[dict[str, Any]],
        rating: str,
        comment: str = "",
        found: bool = True,
        answer_id: str = "",
    ) -> int:
        """Store a rating; a later rating of the same ``answer_id`` replaces the earlier one (the 👍/👎 icon
        and the 有用/没用 buttons rate the same answer: one row per answer, the last word counts; an empty
        comment keeps the earlier comment). Returns the row id."""
        if rating not in RATINGS:
            raise FeedbackError(f"评价应为 up 或 down，收到 {rating!r}")
        with self._lock:
            if answer_id:
                old = self._conn.execute(
                    "SELECT id FROM feedback WHERE answer_id = ? ORDER BY id DESC LIMIT 1", (answer_id,)
                ).fetchone()
                if old is not None:
                    self._conn.execute(
                        "UPDATE feedback SET created = ?, rating = ?, "
                        "comment = CASE WHEN ? = '' THEN comment ELSE ? END WHERE id = ?",
                        (time.time(), rating, comment.strip()[:2000], comment.strip()[:2000], old[0]),
                    )
                    return int(old[0])
            cur = self._conn.execute(
                "INSERT INTO feedback (created, question, answer, found, citations, rating, comment, answer_id) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (time.time(), question, answer, int(found), json.dumps(list(citations), ensure_ascii=False),
                 rating, comment.strip()[:2000], answer_id),
            )  # fmt: skip
            return int(cur.lastrowid or 0)

    def rows(self) -> list[FeedbackRow]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, created, question, answer, found, citations, rating, comment, answer_id "
                "FROM feedback ORDER BY id"
            ).fetchall()
        return [
            FeedbackRow(r[0], r[1], r[2], r[3], bool(r[4]), tuple(json.loads(r[5])), r[6], r[7], r[8])
            for r in rows
        ]

    def export_csv(self, path: Path) -> Path:
        """UTF-8 with BOM so that Excel opens the Chinese text correctly."""
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(_HEADERS_ZH)
            for row in self.rows():
                writer.writerow([_safe_cell(c) for c in row.cells()])
        return path

    def export_xlsx(self, path: Path) -> Path:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "反馈"
        ws.append(list(_HEADERS_ZH))
        for row in self.rows():
            ws.append([_safe_cell(c) for c in row.cells()])
        for col, width in zip("ABCDEFGHI", (6, 20, 40, 60, 8, 60, 6, 30, 34), strict=True):
            ws.column_dimensions[col].width = width
        wb.save(path)
        return path

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _safe_cell(value: str | int) -> str | int:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
