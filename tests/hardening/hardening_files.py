"""Builders of valid and hostile documents for the hardening tests (测试用的正常与恶意文件)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

LAW = (
    "乡村振兴促进办法\n\n第一章 总则\n\n第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、"
    "农民全面发展，制定本办法。\n\n第二条 本办法适用于本省行政区域内的乡村振兴促进工作。\n"
)


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


def make_docx() -> bytes:
    document = docx.Document()
    for line in LAW.split("\n"):
        if line:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_html() -> bytes:
    return (
        "<html><head><title>乡村振兴促进办法</title><script>var x = 1;</script></head><body>"
        "<nav>首页 | 政策 | 解读</nav><h1>乡村振兴促进办法</h1><p>第一条 为了全面实施乡村振兴战略，制定本办法。</p>"
        "<table><tr><td>项目</td><td>金额</td></tr></table><br>第二条 本办法适用于本省。</body></html>"
    ).encode()


def rewrite_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item)))
        for name, extra in replace.items():
            dst.writestr(name, extra)
    return out.getvalue()


def _document_xml() -> bytes:
    with zipfile.ZipFile(io.BytesIO(make_docx())) as archive:
        return archive.read("word/document.xml")


_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def billion_laughs_docx(hide_after_comment: bool = False, utf16: bool = False) -> bytes:
    """word/document.xml declares the classic nine-level entity expansion (10^9 "lol") and uses it."""
    xml = _document_xml()
    _, body = xml.split(b"?>", 1)
    body = body.replace("第一条".encode(), b"&lol9;", 1)
    padding = b"<!--" + b" " * (70 * 1024) + b"-->" if hide_after_comment else b""
    part = b'<?xml version="1.0" encoding="UTF-8"?>\n' + padding + _LAUGHS + body
    if utf16:
        part = b"\xff\xfe" + part.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(
            "utf-16-le"
        )
    return rewrite_zip(make_docx(), {"word/document.xml": part})


def zip_bomb_docx(inflated: int = 210 * 1024 * 1024) -> bytes:
    """A valid .docx plus one member of ``inflated`` zero bytes (a few hundred KB compressed)."""
    out = io.BytesIO(make_docx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("word/media/image1.png")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(inflated // len(block)):
                member.write(block)
    return out.getvalue()


def nested_html(depth: int = 10_000) -> bytes:
    return (
        "<html><body>" + "<div>" * depth + "第一条 深层嵌套的正文。" + "</div>" * depth + "</body></html>"
    ).encode()


def fifty_mb_line(size: int = 50 * 1024 * 1024) -> bytes:
    """One line of ordinary policy sentences, no newline at all."""
    unit = "第一条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。".encode()
    return (unit * (size // len(unit) + 1))[:size].decode("utf-8", "ignore").encode()


def write_hostile_folder(folder: Path) -> dict[str, str]:
    """Good and hostile files side by side; returns {hostile file name: a phrase its failure must say}."""
    folder.mkdir(parents=True, exist_ok=True)
    good = {
        "law.txt": LAW.encode("utf-8"),
        "law-gbk.txt": ("标题: 春耕通知\n---\n" + LAW.replace("乡村振兴促进办法", "春耕通知")).encode("gbk"),
        "page.html": make_html(),
        "word.docx": make_docx(),
        "deep.html": nested_html(),
        "text.pdf": make_pdf([["Article 1 Rural revitalization is promoted."]]),
    }
    hostile = {
        "laughs.docx": (billion_laughs_docx(), "DOCTYPE/ENTITY"),
        "laughs-hidden.docx": (billion_laughs_docx(hide_after_comment=True), "根元素前"),
        "laughs-utf16.docx": (billion_laughs_docx(utf16=True), "DOCTYPE/ENTITY"),
        "bomb.docx": (zip_bomb_docx(), "zip 炸弹"),
        "huge-line.txt": (fifty_mb_line(), "文件过大"),
        "scan.pdf": (make_pdf([[]]), "OCR"),
        "junk.pdf": (bytes(range(256)) * 64, "PDF"),
        "junk.docx": (b"PK\x03\x04" + bytes(range(256)) * 16, ".docx"),
        "binary.txt": (b"\x00\x01\x02ELF" * 100, "二进制"),
        "empty.md": (b"", "空文件"),
        "truncated.docx": (make_docx()[:2000], ".docx"),
    }
    for name, data in good.items():
        (folder / name).write_bytes(data)
    for name, (data, _) in hostile.items():
        (folder / name).write_bytes(data)
    return {name: phrase for name, (_, phrase) in hostile.items()}
