"""Shared helpers for validating input files at the edge (输入校验): JSONL reading and error wording."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["as_text_id", "describe_error", "read_jsonl"]


def as_text_id(value: Any) -> Any:
    """Ids are text; Excel stores 编号 1 as the float 1.0 and JSON writers may emit the int 1."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def describe_error(err: Any) -> str:
    """One pydantic error dict as ``field 'x' <problem>; got <input>`` in plain words."""
    field = ".".join(str(part) for part in err["loc"]) or "?"
    kind, given = err["type"], err.get("input")
    if kind == "missing":
        return f"field '{field}' is missing"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return f"field '{field}' must be one of {', '.join(allowed)}; got {given!r}"
    if kind == "string_too_short":
        return f"field '{field}' must not be empty"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"field '{field}' is invalid: {msg[:1].lower()}{msg[1:]}; got {given!r}"


def read_jsonl(path: Path, error: type[Exception]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``("<file> line <n>", object)`` for each non-blank line; raise ``error`` naming the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path.name}: not UTF-8 at byte {exc.start}; re-save the file as UTF-8") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise error(f"{where}: expected a JSON object; got {type(obj).__name__}")
        yield where, obj
