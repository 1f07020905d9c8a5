"""Feedback store (用户反馈): ratings and comments on answers, durable in SQLite, exported as CSV/XLSX.

Each row keeps the question, the answer text and its citations (JSON), so trainers can review it and
the evaluation can turn it into gold items, and a manager can turn a 👎 with a correction into a curated
answer (精选答案, :class:`CurationDesk`) that the assistant then serves first. Exports neutralize spreadsheet formulas (a cell that
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
from typing import TYPE_CHECKING, Any

from assistant import CuratedError, PolicyAssistantError

if TYPE_CHECKING:
    from assistant import AuditLog, Citation, CuratedAnswers, CuratedEntry

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

    def get(self, row_id: int) -> FeedbackRow | None:
        return next((r for r in self.rows() if r.id == row_id), None)

    def corrections(self) -> list[FeedbackRow]:
        """👎 ratings that came with a comment (纠错反馈), newest first: candidates for curated answers."""
        return [r for r in reversed(self.rows()) if r.rating == "down" and r.comment.strip()]

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


@dataclass(frozen=True, slots=True)
class Draft:
    """A curated answer being written (标注草稿): what the form shows, prefilled from a 👎 correction."""

    question: str
    answer: str
    citations: tuple[dict[str, Any], ...] = ()  # the rated answer's citations, to choose the span from
    feedback_id: int | None = None


class CurationDesk:
    """The manager's side of curated answers (标注): drafts from corrections, save, edit, delete, audited.

    Every save and delete is recorded in the knowledge base's audit log as action ``curate`` (``op``
    add | edit | delete), with the cited file, the entry id and the question; the role check is the
    web handler's (:mod:`ui.curated_tab`)."""

    def __init__(self, curated: CuratedAnswers, audit: AuditLog, feedback: FeedbackStore) -> None:
        self.curated = curated
        self.audit = audit
        self.feedback = feedback

    def draft(self, feedback_id: int) -> Draft:
        row = self.feedback.get(feedback_id)
        if row is None:
            raise CuratedError(f"找不到反馈 {feedback_id}")
        return Draft(row.question, row.comment.strip(), row.citations, row.id)

    def span(self, citation: dict[str, Any] | None, document: str = "", quote: str = "") -> Citation:
        """The span from a citation of the rated answer (still checked against the text) or from a
        document and a verbatim quote."""
        if citation:
            return self.curated.span(
                str(citation.get("doc_id", "")), int(citation["start"]), int(citation["end"]),
                str(citation.get("quote", "")),
            )  # fmt: skip
        if not document.strip() or not quote.strip():
            raise CuratedError("请选择原回答的一条出处，或选择文件并填写引文（须与原文逐字相同）")
        return self.curated.span(document, quote=quote)

    def save(
        self,
        user: str | None,
        question: str,
        answer: str,
        cite: Citation,
        *,
        entry_id: int | None = None,
        feedback_id: int | None = None,
    ) -> CuratedEntry:
        """Add (``entry_id`` None) or edit a curated answer; audited."""
        if entry_id is None:
            entry = self.curated.add(question, answer, cite, author=user or "", feedback_id=feedback_id)
        else:
            entry = self.curated.update(entry_id, question, answer, cite)
        op = "add" if entry_id is None else "edit"
        self.audit.record(user, "curate", [entry.source], "ok", op=op, id=entry.id, question=entry.question)
        return entry

    def delete(self, user: str | None, entry_id: int) -> CuratedEntry | None:
        old = self.curated.delete(entry_id)
        if old is None:
            self.audit.record(user, "curate", [], "not_found", op="delete", id=entry_id)
        else:
            self.audit.record(
                user, "curate", [old.source], "ok", op="delete", id=old.id, question=old.question
            )
        return old


def _safe_cell(value: str | int) -> str | int:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
