"""Import a reviewed quiz (导入审核后的试题): XLSX rows or JSON items back to validated items.

Every problem is reported with its row and column (第 3 行「正确答案」列：…), all at once, so a
reviewer can fix the sheet in one pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import PolicyAssistantError
from quiz.export import COLUMNS
from quiz.types import DIFFICULTY_NAMES, JUDGE_OPTIONS, LETTERS, ItemCitation, QuizItem

_TYPES = {"单选题": "single", "单选": "single", "多选题": "multi", "多选": "multi", "判断题": "judge"}
_TYPES |= {"判断": "judge", "填空题": "blank", "填空": "blank"}
_TYPES |= {t: t for t in ("single", "multi", "judge", "blank")}
_JUDGE = {
    "正确": "A",
    "对": "A",
    "√": "A",
    "T": "A",
    "A": "A",
    "错误": "B",
    "错": "B",
    "×": "B",
    "F": "B",
    "B": "B",
}
_DIFFICULTY = {v: k for k, v in DIFFICULTY_NAMES.items()} | {k: k for k in DIFFICULTY_NAMES}
_SOURCE = re.compile(
    r"^(?:《(?P<title>[^》]*)》)?(?P<section>.*?)（(?P<source>[^（）]+?) \[(?P<start>\d+), ?(?P<end>\d+)\)）$"
)
_QUOTE_MARK = "出处原文：“"
REQUIRED = COLUMNS[:11]

DocText = Callable[[str], str | None]  # source file name → document text (None when unknown)


class QuizImportError(PolicyAssistantError):
    """A reviewed quiz that does not validate; ``errors`` lists every problem found."""

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:30])
        more = f"\n  ……另有 {len(errors) - 30} 处" if len(errors) > 30 else ""
        super().__init__(f"{path.name} 有 {len(errors)} 处问题，请修改后重新导入：\n{shown}{more}")


def parse_source(cell: str) -> tuple[str, str, str, int, int] | None:
    """(title, section, source, start, end) from an 出处 cell, or None."""
    m = _SOURCE.match(cell.strip())
    if not m:
        return None
    return m["title"] or "", m["section"].strip(), m["source"].strip(), int(m["start"]), int(m["end"])


_LOCATOR = re.compile(r"^(?P<source>[^\[\]]+?) \[(?P<start>\d+), ?(?P<end>\d+)\)$")


def parse_location(cells: dict[str, str]) -> tuple[str, str, str, int, int] | None:
    """(title, section, source, start, end) from 出处 (《title》section) and 出处位置 (file [start, end)),
    or from an 出处 cell in the older one-cell form."""
    m = _LOCATOR.match(cells.get("出处位置", "").strip())
    if m is None:
        return parse_source(cells.get("出处", ""))
    where = re.match(r"^(?:《(?P<title>[^》]*)》)?(?P<section>.*)$", cells.get("出处", "").strip())
    title, section = (where["title"] or "", where["section"].strip()) if where else ("", "")
    source = m["source"].strip()
    return ("" if title == source else title), section, source, int(m["start"]), int(m["end"])


def quote_from(explanation: str) -> str | None:
    i = explanation.find(_QUOTE_MARK)
    if i < 0 or not explanation.rstrip().endswith("”"):
        return None
    return explanation.rstrip()[i + len(_QUOTE_MARK) : -1]


def read_xlsx(path: Path, doc_text: DocText | None = None) -> list[QuizItem]:
    """Items of a reviewed workbook (first sheet, header row first); raises :class:`QuizImportError`."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise QuizImportError(
            path, [f"无法打开工作簿（{type(exc).__name__}: {exc}）：请另存为 .xlsx 后重试"]
        ) from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise QuizImportError(path, ["工作表为空：第 1 行应为表头 " + "、".join(REQUIRED)])
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise QuizImportError(path, [f"第 1 行缺少列：{'、'.join(missing)}（应有 {'、'.join(REQUIRED)}）"])
    col = {name: header.index(name) for name in header if name}
    items: list[QuizItem] = []
    errors: list[str] = []
    for r, values in enumerate(rows[1:], start=2):
        cells = {name: _cell(values, i) for name, i in col.items()}
        if not any(cells.values()):
            continue
        item = _row_item(r, cells, errors, doc_text)
        if item is not None:
            items.append(item)
    if errors:
        raise QuizImportError(path, errors)
    return items


def _cell(values: tuple[Any, ...], i: int) -> str:
    v = values[i] if i < len(values) else None
    return "" if v is None else str(v).strip()


def _row_item(r: int, cells: dict[str, str], errors: list[str], doc_text: DocText | None) -> QuizItem | None:
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(f"第 {r} 行「{column}」列：{message}")

    item_type = _TYPES.get(cells.get("题型", ""))
    if item_type is None:
        err("题型", f"应为 单选题/多选题/判断题/填空题，收到 {cells.get('题型', '')!r}")
        return None
    stem = cells.get("题干", "")
    if not stem:
        err("题干", "不能为空")
    options = [cells.get(f"选项{letter}", "") for letter in LETTERS]
    while options and not options[-1]:
        options.pop()
    if "" in options:
        err(f"选项{LETTERS[options.index('')]}", "选项中间不能留空")
    answer = _answer(item_type, cells.get("正确答案", ""), options, err)
    if item_type == "judge":
        options = list(JUDGE_OPTIONS)
    elif item_type == "blank" and options:
        err("选项A", "填空题不应有选项")
    elif item_type == "single" and not 2 <= len(options) <= 5:
        err("选项A", f"单选题应有 2–5 个选项，收到 {len(options)} 个")
    elif item_type == "multi" and not 3 <= len(options) <= 5:
        err("选项A", f"多选题应有 3–5 个选项，收到 {len(options)} 个")
    if len(set(options)) != len(options):
        err("选项A", "选项有重复")
    explanation = cells.get("解析", "")
    citation = _citation(cells, explanation, err, doc_text)
    difficulty = _DIFFICULTY.get(cells.get("难度", "") or "中")
    if difficulty is None:
        err("难度", f"应为 易/中/难，收到 {cells.get('难度')!r}")
    if len(errors) > before or citation is None or difficulty is None:
        return None
    tags = tuple(t for t in re.split(r"[，,;；]", cells.get("标签", "")) if t.strip())
    return QuizItem(item_type, stem, tuple(options), answer, explanation, citation, difficulty, tags)


def _answer(item_type: str, raw: str, options: list[str], err: Callable[[str, str], None]) -> tuple[str, ...]:
    raw = raw.strip()
    if not raw:
        err("正确答案", "不能为空")
        return ()
    if item_type == "blank":
        return tuple(a.strip() for a in re.split(r"[；;]", raw) if a.strip())
    if item_type == "judge":
        key = _JUDGE.get(raw.upper() if raw.isascii() else raw)
        if key is None:
            err("正确答案", f"判断题应为 正确/错误（或 A/B），收到 {raw!r}")
            return ()
        return (key,)
    letters = [ch for ch in raw.upper() if ch not in " ,，、"]
    bad = [ch for ch in letters if ch not in LETTERS[: len(options)]]
    if bad:
        err("正确答案", f"{''.join(bad)} 不是已填写的选项（可用 {LETTERS[: len(options)] or '无'}）")
        return ()
    if len(set(letters)) != len(letters):
        err("正确答案", f"字母重复：{raw}")
    if item_type == "single" and len(letters) != 1:
        err("正确答案", f"单选题只能有一个答案，收到 {raw!r}")
    if item_type == "multi" and len(letters) < 2:
        err("正确答案", f"多选题至少两个答案，收到 {raw!r}")
    return tuple(sorted(set(letters)))


def _citation(
    cells: dict[str, str], explanation: str, err: Callable[[str, str], None], doc_text: DocText | None
) -> ItemCitation | None:
    parsed = parse_location(cells)
    if parsed is None:
        err(
            "出处",
            "格式应为 《标题》章节（文件名 [起, 止)），如 《社会救助暂行办法》第七十条（办法.txt [100, 120)）"
            "，或在「出处位置」列写 办法.txt [100, 120)",
        )
        return None
    title, section, source, start, end = parsed
    if end <= start:
        err("出处", f"字符范围 [{start}, {end}) 无效")
        return None
    quote = quote_from(explanation)
    if doc_text is not None:
        text = doc_text(source)
        if text is None:
            err("出处", f"知识库中没有文件 {source}")
            return None
        if end > len(text):
            err("出处", f"字符范围 [{start}, {end}) 超出 {source} 的长度 {len(text)}")
            return None
        if quote is not None and quote != text[start:end]:
            err("解析", f"引用原文与 {source} [{start}, {end}) 处的文字不一致")
            return None
        quote = text[start:end]
    if quote is None:
        err("解析", f"应以 {_QUOTE_MARK}……” 结尾，给出出处原文")
        return None
    return ItemCitation(source, section, start, end, quote, title)


def read_json(path: Path) -> list[QuizItem]:
    """Items of a quiz JSON file (a list of items, or an object with ``items``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw = data["items"] if isinstance(data, dict) else data
        return [QuizItem.from_dict(d) for d in raw]
    except (ValueError, KeyError, TypeError) as exc:
        raise QuizImportError(path, [f"不是有效的试题 JSON（{type(exc).__name__}: {exc}）"]) from exc


def read_quiz(path: Path, doc_text: DocText | None = None) -> list[QuizItem]:
    """A quiz file by extension: .xlsx (reviewed sheet) or .json."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path, doc_text)
    if path.suffix.lower() == ".json":
        return read_json(path)
    raise QuizImportError(path, [f"只能导入 .xlsx 或 .json，收到 {path.suffix or '(无扩展名)'}"])
