"""Export (导出): XLSX for exam systems, a printable DOCX paper with a separate key, JSON, CSV, Markdown.

Human-facing text (Word paper and key, Markdown, the 出处 column) names the document and article only;
character offsets, which exam systems and the importer need, stay in the 出处位置 column and the JSON.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import PolicyAssistantError
from quiz.types import DIFFICULTY_NAMES, ITEM_TYPES, LETTERS, TYPE_NAMES, QuizItem

COLUMNS = (
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "正确答案",
    "解析",
    "出处",
    "难度",
    "标签",
    "出处位置",
)
LOCATOR_COLUMN = "出处位置"  # machine-readable: file [start, end), read back by quiz.importer
SECTION_NUMBERS = "一二三四五六"
FORMATS = ("xlsx", "docx", "json", "csv", "md")


class QuizExportError(PolicyAssistantError):
    """An export that cannot be written, with the reason in plain words."""


def source_text(item: QuizItem) -> str:
    """The 出处 a trainer reads: 《title》 and the section down to its article (第X条), no offsets."""
    c = item.citation
    return f"《{c.title or c.source}》{c.section}"


def locator(item: QuizItem) -> str:
    """The 出处位置 cell for exam systems and re-import: ``file [start, end)`` (character offsets)."""
    c = item.citation
    return f"{c.source} [{c.start}, {c.end})"


def answer_cell(item: QuizItem) -> str:
    if item.type == "judge":
        return item.options[LETTERS.index(item.answer[0])] if item.answer else ""
    return item.answer_text


def row(item: QuizItem) -> list[str]:
    options = list(item.options) + [""] * (5 - len(item.options))
    return [
        TYPE_NAMES[item.type], item.stem, *options[:5], answer_cell(item), item.explanation,
        source_text(item), DIFFICULTY_NAMES.get(item.difficulty, item.difficulty), "，".join(item.tags),
        locator(item),
    ]  # fmt: skip


def ordered(items: Sequence[QuizItem]) -> list[QuizItem]:
    """Items grouped by type in paper order (单选, 多选, 判断, 填空), stable within a type."""
    return sorted(items, key=lambda i: ITEM_TYPES.index(i.type))


def export(items: Sequence[QuizItem], path: Path, title: str = "政策文件学习测试") -> Path:
    """Write ``items`` in the format the file extension names."""
    fmt = path.suffix.lower().lstrip(".")
    writers = {"xlsx": to_xlsx, "docx": to_docx, "json": to_json, "csv": to_csv, "md": to_markdown}
    if fmt not in writers:
        raise QuizExportError(
            f"不支持的导出格式 {path.suffix or '(无扩展名)'}：可用 {', '.join('.' + f for f in FORMATS)}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        to_docx(items, path, title)
    else:
        writers[fmt](items, path)
    return path


def to_json(items: Sequence[QuizItem], path: Path) -> None:
    data = [i.to_dict() for i in items]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def to_csv(items: Sequence[QuizItem], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it as UTF-8
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(row(i) for i in items)


def to_xlsx(items: Sequence[QuizItem], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "试题"
    ws.append(list(COLUMNS))
    for item in items:
        ws.append(row(item))
    widths = {
        "A": 8,
        "B": 60,
        "C": 18,
        "D": 18,
        "E": 18,
        "F": 18,
        "G": 18,
        "H": 10,
        "I": 60,
        "J": 40,
        "K": 6,
        "L": 24,
        "M": 24,
    }
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.save(path)


def _section_title(n: int, item_type: str, count: int) -> str:
    hint = {
        "single": "每题只有一个正确答案",
        "multi": "每题有两个或两个以上正确答案",
        "judge": "正确的选A，错误的选B",
    }
    extra = f"，{hint[item_type]}" if item_type in hint else ""
    return f"{SECTION_NUMBERS[n]}、{TYPE_NAMES[item_type]}（共 {count} 题{extra}）"


def _grouped(items: Sequence[QuizItem]) -> list[tuple[str, list[QuizItem]]]:
    return [(t, [i for i in items if i.type == t]) for t in ITEM_TYPES if any(i.type == t for i in items)]


def answer_key_path(path: Path) -> Path:
    """Where the answer key of a DOCX paper goes: beside it, ``<name>-答案.docx``."""
    return path.with_name(f"{path.stem}-答案{path.suffix}")


def _new_document() -> Any:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = "SimSun"
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    document.styles["Normal"].font.size = Pt(11)
    return document


def to_docx(items: Sequence[QuizItem], path: Path, title: str = "政策文件学习测试") -> None:
    """Two files: the printable paper at ``path`` and the answer key with explanations and sources
    beside it (``answer_key_path``), so the paper can be handed out without the key."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = _new_document()
    heading = document.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    info = document.add_paragraph("姓名：__________　　单位：__________　　得分：__________")
    info.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = 0
    for n, (item_type, group) in enumerate(_grouped(items)):
        document.add_heading(_section_title(n, item_type, len(group)), level=1)
        for item in group:
            number += 1
            stem = item.stem + ("（　　）" if item.type == "judge" else "")
            document.add_paragraph(f"{number}. {stem}")
            if item.type in ("single", "multi"):
                for letter, option in zip(LETTERS, item.options, strict=False):
                    p = document.add_paragraph(f"{letter}. {option}")
                    p.paragraph_format.left_indent = Pt(21)
                    p.paragraph_format.space_after = Pt(0)
            elif item.type == "judge":
                p = document.add_paragraph("A. 正确　　B. 错误")
                p.paragraph_format.left_indent = Pt(21)
    document.save(str(path))

    key = _new_document()
    key.add_heading(f"{title} · 参考答案与解析", level=0)
    number = 0
    for n, (item_type, group) in enumerate(_grouped(items)):
        key.add_heading(f"{SECTION_NUMBERS[n]}、{TYPE_NAMES[item_type]}", level=1)
        for item in group:
            number += 1
            p = key.add_paragraph()
            p.add_run(f"{number}. 答案：{answer_cell(item)}").bold = True
            key.add_paragraph(f"解析：{item.explanation}")
            key.add_paragraph(f"出处：{source_text(item)}")
    key.save(str(answer_key_path(path)))


def to_markdown(items: Sequence[QuizItem], path: Path, title: str = "政策文件学习测试") -> None:
    lines = [f"# {title}", ""]
    number = 0
    for n, (item_type, group) in enumerate(_grouped(items)):
        lines += [f"## {_section_title(n, item_type, len(group))}", ""]
        for item in group:
            number += 1
            lines.append(f"{number}. {item.stem}")
            if item.type in ("single", "multi", "judge"):
                lines += [
                    f"   - {letter}. {option}" for letter, option in zip(LETTERS, item.options, strict=False)
                ]
            lines.append("")
    lines += ["## 参考答案与解析", ""]
    for number, item in enumerate(_paper_order(items), start=1):
        lines.append(f"{number}. **{answer_cell(item)}**　{item.explanation}（{source_text(item)}）")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _paper_order(items: Sequence[QuizItem]) -> list[QuizItem]:
    return [i for _, group in _grouped(items) for i in group]


def quiz_to_dicts(items: Sequence[QuizItem]) -> list[dict[str, Any]]:
    return [i.to_dict() for i in items]
