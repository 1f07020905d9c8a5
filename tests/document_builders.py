"""Builders of small DOCX and PDF files for the loader tests (测试用的 DOCX 与 PDF 文件).

Shared by ``tests/corpus`` and ``tests/hardening``. Test modules import it as ``document_builders``:
pytest puts ``tests/`` on ``sys.path`` when it loads ``tests/conftest.py`` (rootdir-relative,
"prepend" import mode, no ``__init__.py`` files).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence

import docx

Block = str | Sequence[Sequence[str]]  # a paragraph, or a table as rows of cell texts


def docx_bytes(blocks: Iterable[Block]) -> bytes:
    """A .docx holding ``blocks`` in order: each string a paragraph, each list of rows a table."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        for row, values in zip(table.rows, block, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_xml(data: bytes) -> bytes:
    """The ``word/document.xml`` part of a .docx."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def rewrite_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The zip archive ``data`` with the members named in ``replace`` swapped in (or added)."""
    replace = dict(replace)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item)))
        for name, extra in replace.items():
            dst.writestr(name, extra)
    return out.getvalue()


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF; each page shows its lines in Helvetica (ASCII), or has no text layer if empty."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        body = " ".join(f"({line}) Tj T*" for line in lines)
        # A scanned page draws an image and no text; a filled rectangle stands in for it.
        stream = (f"BT /F1 12 Tf 72 720 Td 14 TL {body} ET" if lines else "0 0 612 792 re f").encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
