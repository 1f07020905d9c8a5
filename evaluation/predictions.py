"""Assistant answers to be scored (预测结果), validated against the answer contract at the edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import (
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

__all__ = ["load_predictions", "parse_prediction"]


class _Citation(BaseModel):
    model_config = ConfigDict(extra="allow")
    n: int
    doc_id: str = ""
    source: str
    title: str = ""
    section: str = ""
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str

    @model_validator(mode="after")
    def _ordered(self) -> _Citation:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class _Passage(BaseModel):
    model_config = ConfigDict(extra="allow")
    chunk_id: str = ""
    source: str
    section: str = ""
    score: float = 0.0
    text: str


class _Prediction(BaseModel):
    # Extra keys are kept: the assistant may add debugging fields without breaking evaluation.
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1)
    question: str = ""
    found: StrictBool  # "false" as a string is a contract bug, not a refusal
    answer: str
    short_answer: str | None = None
    question_type: str | None = None
    citations: list[_Citation]
    retrieved: list[_Passage]
    latency_ms: float | None = Field(default=None, ge=0)

    coerce_id = field_validator("id", mode="before")(as_text_id)


def parse_prediction(obj: Any, where: str = "prediction") -> dict[str, Any]:
    """Validate one answer object (回答结果) against the assistant contract; returns a plain dict."""
    try:
        return _Prediction.model_validate(obj).model_dump()
    except ValidationError as exc:
        raise PredictionError("\n".join(f"{where}: {describe_error(err)}" for err in exc.errors())) from exc


def load_predictions(path: str | Path) -> dict[str, dict[str, Any]]:
    """Load a JSONL of assistant answers keyed by id; ``PredictionError`` names the line and field."""
    path = Path(path)
    if not path.is_file():
        raise PredictionError(f"{path}: predictions file not found")
    preds: dict[str, dict[str, Any]] = {}
    first_at: dict[str, str] = {}
    for where, obj in read_jsonl(path, PredictionError):
        pred = parse_prediction(obj, where)
        if pred["id"] in preds:
            raise PredictionError(f"{where}: duplicate id {pred['id']!r} (first at {first_at[pred['id']]})")
        preds[pred["id"]], first_at[pred["id"]] = pred, where
    return preds
