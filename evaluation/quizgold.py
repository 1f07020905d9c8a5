"""From a reviewed quiz to a gold set (试题转标准答案集).

Quiz items come from the quiz builder as JSON (a list, ``{"items": [...]}`` or JSONL), each
``{"type": "single|multi|judge|blank", "stem", "options", "answer", "explanation", "citation":
{"source", "section", "start", "end", "quote"}, "difficulty", "tags"}``, or as the XLSX exam
systems import (题型, 题干, 选项A–E, 正确答案, 解析, 出处, 难度; the quote is the text in “…” of 解析
unless a 原文/引文 column holds it). Each item becomes one gold row:

- ``question``: the stem; choice items add their options (``A. … B. …``); true/false items ask
  ``以下说法是否正确？<stem>``;
- ``keys``: the correct option texts, or the blanked text; for true/false items the longest run the
  statement shares with the cited quote (what a correct answer has to state), else the quote;
- ``answers``: the keys joined with 、 (and, for true/false, the verdict and the quote);
- ``doc`` = citation source (file name), ``evidence`` = citation quote;
- ``type``: ``yesno`` for true/false, otherwise from the keys' content (dates and periods →
  ``deadline``, numbers → ``number``, 分为/几类 → ``classification``, several keys → ``list``,
  程序/流程 → ``procedure``), ``definition`` as the fallback.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from evaluation.edge import read_jsonl
from evaluation.errors import GoldSetError

__all__ = ["convert_quiz", "infer_type", "load_quiz", "quiz_item_to_gold"]

LETTERS = "ABCDEFGH"
_TYPE_NAMES = {
    "single": "single", "单选": "single", "单选题": "single", "单项选择题": "single",
    "multi": "multi", "multiple": "multi", "多选": "multi", "多选题": "multi", "多项选择题": "multi",
    "judge": "judge", "truefalse": "judge", "判断": "judge", "判断题": "judge",
    "blank": "blank", "fill": "blank", "填空": "blank", "填空题": "blank",
}  # fmt: skip
_TRUE = {"正确", "对", "是", "√", "✓", "t", "true", "yes", "y"}
_FALSE = {"错误", "错", "否", "×", "✗", "x", "f", "false", "no", "n"}
_OPTION_PREFIX = re.compile(r"^\s*[A-Ha-h]\s*[.．、:：)）]\s*")
_DEADLINE = re.compile(
    r"\d{4}年|\d{1,2}月\d{1,2}日|(?<![0-9零一二三四五六七八九十百两])[0-9零一二三四五六七八九十百两]+(?:个)?(?:年|月|日|天|周|工作日)(?:内|以内|之内|前|后)?"
    r"|年底|年前|之前|以前|期限|过渡期|每年|每季度|每月"
)
_NUMBER = re.compile(
    r"[0-9０-９]|百分之|(?<![零一二三四五六七八九十百千万亿两])[零一二三四五六七八九十百千万亿两]+(?:分之|%|个|项|类|元|倍|亩|人|户|名|岁|次|级|种|条|家)"
)


def _basename(path: str) -> str:
    flavour: type[PurePosixPath] | type[PureWindowsPath] = PureWindowsPath if "\\" in path else PurePosixPath
    return flavour(path.strip()).name


def infer_type(keys: Iterable[str], stem: str = "") -> str:
    """Gold question type from the keys' content and the stem's wording (题型推断)."""
    keys = [k for k in keys if k]
    if any(_DEADLINE.search(k) for k in keys):
        return "deadline"
    if any(_NUMBER.search(k) for k in keys):
        return "number"
    if re.search(r"分为|几类|哪几类|类别|划分为", stem):
        return "classification"
    if len(keys) > 1:
        return "list"
    if re.search(r"程序|流程|步骤|手续|审批|机制", stem):
        return "procedure"
    return "definition"


def _verdict(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return (
        True
        if str(value).strip().lower() in _TRUE
        else False
        if str(value).strip().lower() in _FALSE
        else None
    )


def _option_text(option: Any) -> str:
    return _OPTION_PREFIX.sub("", str(option)).strip()


def _letters(answer: Any) -> list[str]:
    values = answer if isinstance(answer, list) else [answer]
    out: list[str] = []
    for value in values:
        out.extend(ch.upper() for ch in str(value) if ch.upper() in LETTERS)
    return out


def _shared_run(stem: str, quote: str) -> str:
    """The longest common substring of the stem and the quote (as text)."""
    best, best_end = 0, 0
    prev = [0] * (len(quote) + 1)
    for i, x in enumerate(stem, start=1):
        cur = [0] * (len(quote) + 1)
        for j, y in enumerate(quote, start=1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best, best_end = cur[j], i
        prev = cur
    return stem[best_end - best : best_end].strip("，。；、,.; ")


def quiz_item_to_gold(item: dict[str, Any], qid: str, where: str = "quiz item") -> dict[str, Any]:
    """One quiz item as a gold row (dict with id, type, question, answers, keys, doc, evidence)."""
    kind = _TYPE_NAMES.get(str(item.get("type", "")).strip().lower())
    if kind is None:
        raise GoldSetError(
            f"{where}: field 'type' must be one of single, multi, judge, blank; got {item.get('type')!r}"
        )
    stem = str(item.get("stem") or "").strip()
    if not stem:
        raise GoldSetError(f"{where}: field 'stem' must not be empty")
    citation = item.get("citation") or {}
    if not isinstance(citation, dict):
        raise GoldSetError(f"{where}: field 'citation' must be an object with source and quote")
    doc = _basename(str(citation.get("source") or ""))
    quote = str(citation.get("quote") or "").strip()
    if not doc or not quote:
        missing = "citation.source" if not doc else "citation.quote"
        raise GoldSetError(
            f"{where}: field '{missing}' is missing; a gold question needs its source and quote"
        )
    options = [_option_text(o) for o in item.get("options") or [] if str(o).strip()]
    answer = item.get("answer")
    answer_list = answer if isinstance(answer, list) else [] if answer is None else [answer]

    if kind == "judge":
        verdict = None
        if answer_list:
            first = answer_list[0]
            letters = _letters([first]) if options and len(str(first).strip()) == 1 else []
            if letters and LETTERS.index(letters[0]) < len(options):
                verdict = _verdict(options[LETTERS.index(letters[0])])
            if verdict is None:
                verdict = _verdict(first)
        if verdict is None:
            raise GoldSetError(f"{where}: field 'answer' must say true or false (正确/错误); got {answer!r}")
        shared = _shared_run(stem, quote)
        keys = [shared if len(shared) >= 4 else quote]
        return {
            "id": qid, "type": "yesno", "question": f"以下说法是否正确？{stem}",
            "answers": ["正确" if verdict else "错误", quote], "keys": keys, "doc": doc, "evidence": quote,
        }  # fmt: skip

    if kind == "blank":
        keys = [str(a).strip() for a in answer_list if str(a).strip()]
        question = stem
    else:
        letters = _letters(answer_list)
        if not letters:
            raise GoldSetError(f"{where}: field 'answer' must hold option letters (A–E); got {answer!r}")
        bad = [letter for letter in letters if LETTERS.index(letter) >= len(options)]
        if bad:
            raise GoldSetError(
                f"{where}: answer letter(s) {', '.join(bad)} have no option ({len(options)} given)"
            )
        keys = [options[LETTERS.index(letter)] for letter in dict.fromkeys(letters)]
        listed = "  ".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(options))
        question = f"{stem}\n{listed}"
    if not keys:
        raise GoldSetError(f"{where}: field 'answer' is empty")
    qtype = infer_type(keys, stem)
    if kind == "multi" and qtype in ("definition", "procedure"):
        qtype = "list"
    return {
        "id": qid, "type": qtype, "question": question, "answers": ["、".join(keys)], "keys": keys,
        "doc": doc, "evidence": quote,
    }  # fmt: skip


# ---------------------------------------------------------------- reading quizzes


def _from_xlsx(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise GoldSetError(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise GoldSetError(f"{path.name}: the sheet is empty")
    header = [re.sub(r"\s+", "", str(h or "")) for h in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    missing = [name for name in ("题型", "题干", "正确答案", "出处") if name not in col]
    if missing:
        raise GoldSetError(f"{path.name}: missing column(s) {', '.join(missing)}; found {header}")

    def cell(row: tuple[Any, ...], name: str) -> str:
        i = col.get(name)
        value = row[i] if i is not None and i < len(row) else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    for number, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row if c is not None):
            continue
        options = [cell(row, f"选项{letter}") for letter in "ABCDE"]
        while options and not options[-1]:
            options.pop()
        kind = _TYPE_NAMES.get(cell(row, "题型").lower(), cell(row, "题型"))
        raw_answer = cell(row, "正确答案")
        answer: list[str]
        if kind == "blank":
            answer = [a.strip() for a in re.split(r"[|；;\n]", raw_answer) if a.strip()]
        elif kind == "judge":
            answer = [raw_answer]
        else:
            answer = _letters(raw_answer)
        explanation = cell(row, "解析")
        quote = cell(row, "原文") or cell(row, "引文")
        if not quote:
            quoted = re.findall(r"“([^“”]+)”", explanation)
            quote = max(quoted, key=len) if quoted else ""
        source = cell(row, "出处")
        match = re.search(
            r"(?<![^\s《》（）()：:，,])[^\s《》（）()：:，,]+\.(?:txt|md|markdown|html?|docx|pdf)",
            source,
            re.IGNORECASE,
        )
        item = {
            "type": kind, "stem": cell(row, "题干"), "options": options, "answer": answer,
            "explanation": explanation, "difficulty": cell(row, "难度"),
            "citation": {"source": match.group(0) if match else source, "quote": quote},
        }  # fmt: skip
        yield f"{path.name} row {number}", item


def load_quiz(path: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """Quiz items with where each came from (``quiz.json item 3``), from .json, .jsonl or .xlsx."""
    path = Path(path)
    if not path.is_file():
        raise GoldSetError(f"{path}: quiz file not found")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return list(_from_xlsx(path))
    if suffix == ".jsonl":
        return list(read_jsonl(path, GoldSetError))
    if suffix != ".json":
        raise GoldSetError(f"{path.name}: unsupported quiz format {suffix!r}; use .json, .jsonl or .xlsx")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldSetError(f"{path.name}: not valid UTF-8 JSON ({exc})") from exc
    if isinstance(data, dict):
        data = data.get("items", data.get("questions"))
    if not isinstance(data, list):
        raise GoldSetError(f"{path.name}: expected a list of quiz items or {{'items': [...]}}")
    items = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise GoldSetError(f"{path.name} item {number}: expected an object; got {type(item).__name__}")
        items.append((f"{path.name} item {number}", item))
    return items


def convert_quiz(quiz_path: str | Path, out_path: str | Path, prefix: str = "quiz") -> int:
    """Write the quiz as a gold JSONL (``<prefix>-001`` … unless items carry an ``id``); returns the count.

    Every invalid item is reported (one line each) and nothing is written when any is invalid.
    """
    rows, problems = [], []
    for number, (where, item) in enumerate(load_quiz(quiz_path), start=1):
        qid = str(item.get("id") or f"{prefix}-{number:03d}")
        try:
            rows.append(quiz_item_to_gold(item, qid, where))
        except GoldSetError as exc:
            problems.append(str(exc))
    if problems:
        raise GoldSetError("\n".join(problems))
    if not rows:
        raise GoldSetError(f"{Path(quiz_path).name}: no quiz items found")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)
