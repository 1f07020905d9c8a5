"""Gold sets and prediction files (标准答案集与预测结果): loaded and validated at the edge.

A gold set is JSONL, CSV or XLSX with the columns ``id, type, question, answers, keys, doc,
evidence``. Trainers keep question banks (题库) in Excel, so CSV/XLSX headers may also be Chinese
(编号, 题型/类型, 问题, 答案, 关键词, 文件/出处, 依据) and list cells (答案, 关键词) hold several
values separated by ``|``, ``；`` or line breaks, or a JSON array. Every problem found is reported,
one line each, as ``<file> line|row <n>: field '<name>' <problem>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant import ANSWER_TYPES
from evaluation.edge import as_text_id, describe_error, read_jsonl
from evaluation.errors import GoldSetError
from evaluation.predictions import load_predictions, parse_prediction

__all__ = ["NO_ANSWER", "QUESTION_TYPES", "GoldItem", "load_gold", "load_predictions", "parse_prediction"]

# The assistant's answer types (题型) and the other names question banks and foreign gold sets give
# them (数字 → number, 无答案/unanswerable → none) come from its registry: one list for both sides.
QUESTION_TYPES: tuple[str, ...] = ANSWER_TYPES.names
# The type of questions the documents do not answer: no answer form is expected of them.
NO_ANSWER: str = ANSWER_TYPES.fallback.name

_COLUMNS = {
    "id": ("id", "编号", "序号", "题号"),
    "type": ("type", "题型", "类型"),
    "question": ("question", "问题", "题目"),
    "answers": ("answers", "answer", "答案", "参考答案"),
    "keys": ("keys", "key", "关键词", "要点", "得分点"),
    "doc": ("doc", "文件", "出处", "来源"),
    "evidence": ("evidence", "依据", "原文", "原文依据"),
}
_HEADER_TO_FIELD = {alias: name for name, aliases in _COLUMNS.items() for alias in aliases}
_LIST_SEPARATORS = re.compile(r"[|；\n]")


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One gold question (标准题目); ``doc`` and ``evidence`` are empty for type ``none``."""

    id: str
    type: str
    question: str
    answers: tuple[str, ...]
    keys: tuple[str, ...]
    doc: str
    evidence: str

    @property
    def answerable(self) -> bool:
        return self.type != NO_ANSWER


def _as_list(value: Any) -> Any:
    if value is None:
        return []
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a valid JSON array ({exc.msg} at char {exc.pos})") from exc
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]


class _GoldRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    # Our labels (QUESTION_TYPES) or any other set's own: an unknown label is its own category in the
    # per-type tables, not an error. Only ``none`` (and its aliases) changes how an item is scored.
    type: str = Field(min_length=1)
    question: str = Field(min_length=1)
    answers: list[str] = []
    keys: list[str] = []
    doc: str = ""
    evidence: str = ""

    coerce_id = field_validator("id", mode="before")(as_text_id)
    split_lists = field_validator("answers", "keys", mode="before")(_as_list)

    @field_validator("type", mode="before")
    @classmethod
    def _type_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            return ANSWER_TYPES.canonical(value)
        return value

    @field_validator("answers", "keys")
    @classmethod
    def _drop_blank(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]


def _consistency(row: _GoldRow) -> list[str]:
    """Cross-field rules pydantic cannot name a field for; returns problems as 'field ...' texts."""
    if row.type == NO_ANSWER:
        return [
            f"field '{name}' must be empty for type '{NO_ANSWER}'; got {getattr(row, name)!r}"
            for name in ("doc", "evidence")
            if getattr(row, name)
        ]
    missing = [name for name in ("answers", "keys", "doc", "evidence") if not getattr(row, name)]
    return [f"field '{name}' must not be empty for answerable type '{row.type}'" for name in missing]


# ---------------------------------------------------------------- readers: (where, raw row)


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        # Excel turns 2014年5月1日 typed into a cell into a date; give the answer back as written.
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else value


def _map_headers(name: str, headers: list[Any]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = re.sub(r"\s+", "", str(header or "")).lower()
        field = _HEADER_TO_FIELD.get(key)
        if field is None:
            continue  # trainers' extra columns (备注, 分值) are allowed
        if field in seen:
            raise GoldSetError(f"{name}: columns {seen[field]!r} and {header!r} both mean '{field}'")
        seen[field] = str(header)
        mapping[index] = field
    missing = [
        f"'{f}' ({'/'.join(a for a in _COLUMNS[f] if not a.isascii())})" for f in _COLUMNS if f not in seen
    ]
    if missing:
        raise GoldSetError(
            f"{name}: missing column(s) {', '.join(missing)}; found headers {[str(h) for h in headers]}"
        )
    return mapping


def _rows_from_table(
    name: str, table: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[str, dict[str, Any]]]:
    header_seen = False
    mapping: dict[int, str] = {}
    for number, cells in table:
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        if not header_seen:
            mapping, header_seen = _map_headers(name, cells), True
            continue
        row = {field: _cell(cells[i]) if i < len(cells) else "" for i, field in mapping.items()}
        yield f"{name} row {number}", row


def _read_csv(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
        except UnicodeDecodeError as exc:
            raise GoldSetError(
                f"{path.name}: neither UTF-8 nor GBK at byte {exc.start}; save as CSV UTF-8"
            ) from exc
    reader = csv.reader(text.splitlines(keepends=True))
    return _rows_from_table(path.name, ((n, row) for n, row in enumerate(reader, start=1)))


def _read_xlsx(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    import openpyxl  # the only openpyxl import; loading it costs ~0.2 s, so only when needed
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise GoldSetError(
            f"{path.name}: not a readable .xlsx workbook ({exc}); save it from Excel as .xlsx"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    return _rows_from_table(path.name, iter(rows))


def _canonical_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """JSONL keys spelled as the table headers may be (answer, 答案, 依据 ...) under their field names."""
    renamed = dict(raw)
    for key, value in raw.items():
        field = _HEADER_TO_FIELD.get(key.strip().lower())
        if field is not None and field not in raw:
            renamed.setdefault(field, value)
    return renamed


def load_gold(path: str | Path) -> list[GoldItem]:
    """Load a gold set (加载标准答案集) from ``.jsonl``, ``.csv`` or ``.xlsx``.

    Raises ``GoldSetError`` listing every invalid row, e.g.
    ``dev.jsonl line 7: field 'type' must be one of number, ...; got 'numbr'``.
    """
    path = Path(path)
    if not path.is_file():
        raise GoldSetError(f"{path}: gold set file not found")
    suffix = path.suffix.lower()
    rows: Iterator[tuple[str, dict[str, Any]]]
    if suffix == ".jsonl":
        rows = ((where, _canonical_keys(raw)) for where, raw in read_jsonl(path, GoldSetError))
    elif suffix == ".csv":
        rows = _read_csv(path)
    elif suffix == ".xlsx":
        rows = _read_xlsx(path)
    else:
        raise GoldSetError(f"{path.name}: unsupported gold set format {suffix!r}; use .jsonl, .csv or .xlsx")
    items: list[GoldItem] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    for where, raw in rows:
        # Ids are checked before validation so a duplicate of an invalid row is still reported.
        raw_id = str(as_text_id(raw.get("id")) or "").strip()
        if raw_id and raw_id in first_seen:
            problems.append(f"{where}: duplicate id {raw_id!r} (first at {first_seen[raw_id]})")
        first_seen.setdefault(raw_id, where)
        try:
            row = _GoldRow.model_validate(raw)
        except ValidationError as exc:
            problems.extend(f"{where}: {describe_error(err)}" for err in exc.errors())
            continue
        row_problems = _consistency(row)
        if row_problems:
            problems.extend(f"{where}: {p}" for p in row_problems)
            continue
        answers, keys = tuple(row.answers), tuple(row.keys)
        items.append(GoldItem(row.id, row.type, row.question, answers, keys, row.doc, row.evidence))
    if problems:
        raise GoldSetError("\n".join(problems))
    if not items:
        raise GoldSetError(f"{path.name}: no questions found")
    return items
