"""Answers to be scored (预测结果), validated at the edge and brought to one shape.

Our own ``ask --json`` contract is the reference, but ``eval score`` must score other systems too,
so the reader is lenient about shape and strict about meaning:

- a citation needs a ``quote`` (or ``text``); ``source`` may be spelled ``doc``/``file``/``document``;
  ``n``, ``start`` and ``end`` are optional (without offsets the quote text is what gets matched);
- a retrieved passage may be a bare string, or an object with only ``text`` or only ``source``;
  a prediction without ``retrieved`` is not scored on retrieval (its hit@k is "not measured");
- ``found`` may be absent or null: the answer is then taken as a refusal when it is empty or says
  the documents do not cover the question (未找到/没有相关规定/无法回答 ...);
- ``answer`` may be absent when ``short_answer`` is given.

Every problem names the file, the line and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from evaluation.edge import as_text_id, describe_error, read_jsonl
from evaluation.errors import PredictionError

__all__ = ["is_refusal_text", "load_predictions", "parse_prediction"]

# How systems say "the documents do not answer this" (拒答措辞); only used when ``found`` is not given.
_REFUSAL = re.compile(
    r"未找到|没有找到|找不到|查无|没有(?:相关|明确|具体)?(?:的)?(?:规定|内容|信息|依据|答案|说明)"
    r"|无(?:相关|明确)?(?:规定|依据|答案)|无法(?:回答|确定|找到|作答)|不能回答|未(?:作|做)?(?:出)?(?:规定|提及|涉及|说明)"
    r"|并未(?:规定|提及|涉及)|不涉及|超出.{0,6}范围|^\s*(?:n/?a|none|unknown|无|不知道)\s*[。.]?\s*$",
    re.IGNORECASE,
)
# A refusal is short; a long answer that mentions 未规定 somewhere is still an answer.
_MAX_REFUSAL_CHARS = 60


def is_refusal_text(answer: str) -> bool:
    """Whether an answer without a ``found`` flag is a refusal (拒答): empty, or a short "not found"."""
    text = answer.strip()
    return not text or (len(text) <= _MAX_REFUSAL_CHARS and _REFUSAL.search(text) is not None)


class _Citation(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    n: int = 0
    doc_id: str = ""
    source: str = Field(default="", validation_alias=AliasChoices("source", "doc", "file", "document"))
    title: str = ""
    section: str = ""
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    quote: str = Field(validation_alias=AliasChoices("quote", "text"))

    @model_validator(mode="after")
    def _ordered(self) -> _Citation:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class _Passage(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    chunk_id: str = ""
    source: str = Field(default="", validation_alias=AliasChoices("source", "doc", "file", "document"))
    section: str = ""
    score: float = 0.0
    text: str = Field(default="", validation_alias=AliasChoices("text", "content", "passage"))

    @model_validator(mode="before")
    @classmethod
    def _bare_text(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something(self) -> _Passage:
        if not self.text.strip() and not self.source.strip():
            raise ValueError("a retrieved passage needs 'text' or 'source'")
        return self


class _Prediction(BaseModel):
    # Extra keys are kept: the assistant may add debugging fields without breaking evaluation.
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1)
    question: str = ""
    found: StrictBool | None = None  # "false" as a string is a contract bug, not a refusal
    answer: str | None = None
    short_answer: str | None = None
    question_type: str | None = None
    citations: list[_Citation] = []
    retrieved: list[_Passage] | None = None
    latency_ms: float | None = Field(default=None, ge=0)

    coerce_id = field_validator("id", mode="before")(as_text_id)

    @model_validator(mode="after")
    def _has_answer(self) -> _Prediction:
        if self.answer is None:
            if self.short_answer is None:
                raise ValueError("field 'answer' is missing")
            self.answer = self.short_answer
        if self.found is None:
            self.found = not is_refusal_text(self.answer)
        return self


def _where_message(where: str, err: Any) -> str:
    if err["type"] == "value_error" and not err["loc"]:
        return f"{where}: {str(err['msg']).removeprefix('Value error, ')}"
    return f"{where}: {describe_error(err)}"


def parse_prediction(obj: Any, where: str = "prediction") -> dict[str, Any]:
    """Validate one answer object (回答结果) and return it as a plain dict in the contract's shape."""
    if isinstance(obj, dict) and "id" not in obj:
        for alias in ("qid", "question_id"):
            if alias in obj:
                obj = {**obj, "id": obj[alias]}
                break
    try:
        return _Prediction.model_validate(obj).model_dump()
    except ValidationError as exc:
        raise PredictionError("\n".join(_where_message(where, err) for err in exc.errors())) from exc


def _read_json(path: Path) -> Iterator[tuple[str, Any]]:
    """A ``.json`` file: a list of answers, or an object keyed by id (``{"q1": {...}}``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PredictionError(
            f"{path.name}: not UTF-8 at byte {exc.start}; re-save the file as UTF-8"
        ) from exc
    except json.JSONDecodeError as exc:
        raise PredictionError(
            f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    if isinstance(data, list):
        yield from ((f"{path.name} item {i}", obj) for i, obj in enumerate(data, start=1))
    elif isinstance(data, dict):
        for key, obj in data.items():
            yield f"{path.name} item {key!r}", ({"id": key, **obj} if isinstance(obj, dict) else obj)
    else:
        raise PredictionError(
            f"{path.name}: expected a JSON list or object of answers; got {type(data).__name__}"
        )


def load_predictions(path: str | Path) -> dict[str, dict[str, Any]]:
    """Load answers keyed by id from JSONL (or a JSON list/object); ``PredictionError`` names line and field."""
    path = Path(path)
    if not path.is_file():
        raise PredictionError(f"{path}: predictions file not found")
    rows = _read_json(path) if path.suffix.lower() == ".json" else read_jsonl(path, PredictionError)
    preds: dict[str, dict[str, Any]] = {}
    first_at: dict[str, str] = {}
    for where, obj in rows:
        if not isinstance(obj, dict):
            raise PredictionError(f"{where}: expected a JSON object; got {type(obj).__name__}")
        pred = parse_prediction(obj, where)
        if pred["id"] in preds:
            raise PredictionError(f"{where}: duplicate id {pred['id']!r} (first at {first_at[pred['id']]})")
        preds[pred["id"]], first_at[pred["id"]] = pred, where
    return preds
