"""Builders of valid and hostile documents for the hardening tests (测试用的正常与恶意文件)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from document_builders import document_xml, docx_bytes, make_pdf, rewrite_zip

LAW = (
    "乡村振兴促进办法\n\n第一章 总则\n\n第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、"
    "农民全面发展，制定本办法。\n\n第二条 本办法适用于本省行政区域内的乡村振兴促进工作。\n"
)


def make_docx() -> bytes:
    return docx_bytes(line for line in LAW.split("\n") if line)


def make_html() -> bytes:
    return (
        "<html><head><title>乡村振兴促进办法</title><script>var x = 1;</script></head><body>"
        "<nav>首页 | 政策 | 解读</nav><h1>乡村振兴促进办法</h1><p>第一条 为了全面实施乡村振兴战略，制定本办法。</p>"
        "<table><tr><td>项目</td><td>金额</td></tr></table><br>第二条 本办法适用于本省。</body></html>"
    ).encode()


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
    xml = document_xml(make_docx())
    _, body = xml.split(b"?>", 1)
    body = body.replace("第一条".encode(), b"&lol9;", 1)
    padding = b"<!--" + b" " * (70 * 1024) + b"-->" if hide_after_comment else b""
    part = b'<?xml version="1.0" encoding="UTF-8"?>\n' + padding + _LAUGHS + body
    if utf16:
        part = b"\xff\xfe" + part.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(
            "utf-16-le"
        )
    return rewrite_zip(make_docx(), {"word/document.xml": part})


def laughs_part(encoding: str = "utf-8") -> bytes:
    """A stand-alone XML part declaring the nine-level entity expansion, in ``encoding`` (no byte-order mark)."""
    xml = b'<?xml version="1.0"?>' + _LAUGHS + b"<r>&lol9;</r>"
    return xml.decode("ascii").encode(encoding)


def docx_with_part(name: str, part: bytes) -> bytes:
    """A valid .docx with the member ``name`` added (or replaced by) ``part``."""
    return rewrite_zip(make_docx(), {name: part})


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
