"""Export of a conversation with its sources (导出对话): Markdown and Word (DOCX).

Each answer is followed by its numbered citations: document title, section with its article number
(:func:`ui.render.section_label`), issuer and date where known, and the quote. A refusal lists the
passages shown with it as 可能相关. Pure functions over :class:`assistant.Answer` and the document
lookup the chat renders with; no Gradio.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import Answer, Citation
from ui.render import REFUSAL_LABEL, RELATED_LABEL, DocLookup, section_label
from ui.security import mask_quoted_markers, scrub_answer, strip_invisible

__all__ = ["SourceLine", "export_name", "sources_of", "to_docx", "to_markdown"]

_UNSAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff（）()《》·-]+")
NAME_CHARS = 40


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One numbered source under an exported answer."""

    n: int
    title: str  # 《…》
    where: str  # section (with article) · issuer · date
    quote: str


def _clean(text: str) -> str:
    return strip_invisible(text).strip()


def answer_text(answer: Answer) -> str:
    """The answer as the chat shows it: links removed, markers inside quotes not taken for markers."""
    text = mask_quoted_markers(scrub_answer(answer.answer), [c.quote for c in answer.citations])
    return _clean(text if answer.found else f"{REFUSAL_LABEL}。{text}")


def sources_of(answer: Answer, docs: DocLookup) -> tuple[str, list[SourceLine]]:
    """The heading and the numbered sources of an answer (its citations, or a refusal's related passages)."""
    cites: Sequence[Citation] = answer.citations if answer.found else answer.related
    head = "出处" if answer.found else f"{RELATED_LABEL}的条文（仅供参考）"
    lines = []
    for c in cites:
        rec = docs.doc_record(c.doc_id)
        title = f"《{c.title or (rec.title if rec else '') or c.source}》"
        parts = [section_label(c.section, docs.doc_text(c.doc_id), c.start)]
        if rec is not None:
            parts += [rec.issuer, rec.date]
        where = " · ".join(_clean(p) for p in parts if p and _clean(p))
        lines.append(SourceLine(c.n, _clean(title), where, _clean(c.quote)))
    return head, lines


def _stamp(now: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if now is None else now))


def to_markdown(title: str, answers: Sequence[Answer], docs: DocLookup, now: float | None = None) -> str:
    """The conversation as Markdown: a section per exchange, each answer followed by its sources."""
    lines = [f"# {_clean(title)}", "", f"导出时间：{_stamp(now)}　共 {len(answers)} 轮问答", ""]
    for i, answer in enumerate(answers, start=1):
        lines += [f"## {i}. 问：{_clean(answer.question)}", "", f"答：{answer_text(answer)}", ""]
        head, sources = sources_of(answer, docs)
        if sources:
            lines += [f"**{head}：**", ""]
        for s in sources:
            lines.append(f"[{s.n}] {s.title}" + (f" {s.where}" if s.where else ""))
            lines += [f"> {line}" if line.strip() else ">" for line in s.quote.splitlines()]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _document() -> Any:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = "SimSun"
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    document.styles["Normal"].font.size = Pt(11)
    return document


def to_docx(
    title: str, answers: Sequence[Answer], docs: DocLookup, path: Path, now: float | None = None
) -> Path:
    """The conversation as a Word document at ``path`` (same content as :func:`to_markdown`)."""
    from docx.shared import Pt

    document = _document()
    document.add_heading(_clean(title), level=0)
    document.add_paragraph(f"导出时间：{_stamp(now)}　共 {len(answers)} 轮问答")
    for i, answer in enumerate(answers, start=1):
        document.add_heading(f"{i}. 问：{_clean(answer.question)}", level=2)
        document.add_paragraph(f"答：{answer_text(answer)}")
        head, sources = sources_of(answer, docs)
        if sources:
            document.add_paragraph().add_run(f"{head}：").bold = True
        for s in sources:
            p = document.add_paragraph()
            p.add_run(f"[{s.n}] {s.title}").bold = True
            if s.where:
                p.add_run(f" {s.where}")
            quote = document.add_paragraph(s.quote)
            quote.paragraph_format.left_indent = Pt(21)
            for run in quote.runs:
                run.italic = True
    document.save(str(path))
    return path


def export_name(title: str, suffix: str) -> str:
    """A file name for the download: the title's letters and characters, at most ``NAME_CHARS``."""
    stem = _UNSAFE_NAME.sub("_", _clean(title)).strip("_.")[:NAME_CHARS] or "对话"
    return f"{stem}{suffix}"
