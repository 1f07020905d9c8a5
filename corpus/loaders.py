"""File loading (文档加载): bytes on disk → :class:`SourceDoc` with metadata and skip ranges.

This module and :mod:`corpus.web_article` (BeautifulSoup/lxml) are the only ones that touch the
third-party document parsers (python-docx, pypdf here); their exceptions are translated into
:mod:`corpus.errors` whose message starts with the file name and says what to do.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.clean import boilerplate_spans, law_preamble_spans, merge_spans, toc_spans
from corpus.decode import decode_bytes
from corpus.errors import CorpusError, CorruptFile, EmptyDocument, FileTooLarge, UnsupportedFormat
from corpus.metadata import derive_meta, law_info_end, law_meta, law_title, merge_meta, parse_header
from corpus.names import check_name
from corpus.types import DocMeta, LoadFailure, SourceDoc
from corpus.web_article import extract_html as _extract_html

if TYPE_CHECKING:
    from docx.table import Table

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED", "describe_text", "iter_files", "load_file", "load_paths"]

SUPPORTED: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
_FORMATS |= {".docx": "docx", ".pdf": "pdf"}

# A .docx is a zip: a few KB can inflate to gigabytes (zip bomb), so the declared sizes are checked
# against this multiple of the file-size limit before anything is decompressed (zipfile stops at the
# declared size and fails the CRC check, so a member cannot lie its way past).
_MAX_INFLATION = 50
# A member that inflates past 10 MB at over 200:1 is a bomb whatever the total: Word's XML compresses
# at most ~30:1 and its media not at all; runs of zeros reach ~1000:1. python-docx holds every part
# in memory, so such a member is refused before it is read.
_BOMB_MEMBER_BYTES = 10 * 1024 * 1024
_BOMB_RATIO = 200
# Entity declarations enable "billion laughs"; real Word files never contain them.
_XML_BOMB = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)

# Only the prolog can declare a DOCTYPE, so the head of each XML part is enough to scan, provided
# the root element starts inside it: a DOCTYPE pushed past the head by a long comment is refused too.
_XML_SCAN_BYTES = 64 * 1024
_XML_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_XML_ROOT = re.compile(rb"<[A-Za-z_]")


# How an XML parser tells a part's encoding from its first bytes (XML 1.0 appendix F): a byte-order
# mark, or a "<" in UTF-16/32 without one. UTF-32 first: its little-endian mark begins like UTF-16's.
_XML_SIGNATURES = (
    (codecs.BOM_UTF32_LE, "utf-32-le", True), (codecs.BOM_UTF32_BE, "utf-32-be", True),
    (codecs.BOM_UTF16_LE, "utf-16-le", True), (codecs.BOM_UTF16_BE, "utf-16-be", True),
    (b"<\x00\x00\x00", "utf-32-le", False), (b"\x00\x00\x00<", "utf-32-be", False),
    (b"<\x00", "utf-16-le", False), (b"\x00<", "utf-16-be", False),
)  # fmt: skip


def _as_utf8(head: bytes) -> bytes:
    """The head of an XML part as UTF-8 bytes (a UTF-16/32 part would hide ``<!DOCTYPE`` from a byte scan)."""
    for signature, encoding, is_bom in _XML_SIGNATURES:
        if head.startswith(signature):
            body = head[len(signature) :] if is_bom else head
            return body.decode(encoding, "ignore").encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8)


def _root_in(head: bytes) -> bool:
    """Whether the root element starts in ``head`` after nothing but the XML declaration, PIs, comments."""
    pos = 0
    while (item := _XML_PROLOG_ITEM.match(head, pos)) is not None and item.end() > pos:
        pos = item.end()
    return _XML_ROOT.match(head, pos) is not None


def _looks_like_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part starts as markup does (media parts do not); an unreadable part is left to the parser."""
    if info.is_dir():
        return False
    try:
        with archive.open(info) as part:
            start = part.read(256)  # a short read: the CRC of a larger member is not checked here
    except Exception:
        return False
    return _as_utf8(start).lstrip(b" \t\r\n").startswith(b"<")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _check_docx_zip(data: bytes, name: str, max_bytes: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptFile(
            f"{name}: 不是有效的 .docx（zip 结构损坏：{exc}）；请用 Word 重新另存为 .docx"
        ) from exc
    with archive:
        infos = archive.infolist()
        inflated = sum(info.file_size for info in infos)
        if inflated > _MAX_INFLATION * max_bytes:
            raise CorruptFile(
                f"{name}: 解压后 {_mb(inflated)}，超过上限 {_mb(_MAX_INFLATION * max_bytes)}（疑似 zip 炸弹），已拒绝"
            )
        for info in infos:
            if info.file_size > _BOMB_MEMBER_BYTES and info.file_size > _BOMB_RATIO * max(
                info.compress_size, 1
            ):
                raise CorruptFile(
                    f"{name}: {info.filename} 从 {_mb(info.compress_size)} 解压为 {_mb(info.file_size)}"
                    f"（压缩比超过 {_BOMB_RATIO}:1，疑似 zip 炸弹），已拒绝"
                )
        if "word/document.xml" not in archive.namelist():
            raise CorruptFile(f"{name}: 不是 Word 文档（缺少 word/document.xml）")
        for info in infos:
            # Part names are case-insensitive in a package (word/evil.XML is XML to Word and python-docx),
            # and a part's content type, not its name, decides that it is parsed: sniff the others.
            if not (info.filename.lower().endswith((".xml", ".rels")) or _looks_like_xml(archive, info)):
                continue
            try:
                with archive.open(info) as part:
                    head = part.read(_XML_SCAN_BYTES)
            except Exception as exc:  # bad CRC, truncated deflate stream, unsupported compression
                raise CorruptFile(
                    f"{name}: .docx 中的 {info.filename} 已损坏（{type(exc).__name__}: {exc}）"
                ) from exc
            head = _as_utf8(head)
            if _XML_BOMB.search(head):
                raise CorruptFile(
                    f"{name}: XML 中声明了 DOCTYPE/ENTITY（{info.filename}），出于安全原因拒绝解析"
                )
            if head and not _root_in(head):
                raise CorruptFile(
                    f"{name}: {info.filename} 的根元素前有超过 {_XML_SCAN_BYTES // 1024} KB 的注释或声明，"
                    "不是 Word 生成的文件，出于安全原因拒绝解析"
                )


def _extract_docx(data: bytes, name: str, max_bytes: int) -> str:
    """Paragraphs and table rows (cells joined by a tab) in document order (Word 正文)."""
    import docx
    from docx.table import Table

    _check_docx_zip(data, name, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                lines.extend(_table_rows(item))
            else:
                lines.append(item.text)
    except CorpusError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types for a malformed part
        raise CorruptFile(f"{name}: .docx 内容无法解析（{type(exc).__name__}: {exc}）") from exc
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


def _table_rows(table: Table) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                continue  # a horizontally merged cell is returned once per grid column
            previous = cell._tc
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        rows.append("\t".join(cells))
    return rows


def _extract_pdf(data: bytes, name: str) -> str:
    """Text layer of every page; pages separated by a blank line (PDF 文本层)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorruptFile(f"{name}: PDF 已加密，需要密码；请提供未加密的版本")
        pages = [page.extract_text() or "" for page in reader.pages]
    except CorpusError:
        raise
    except PdfReadError as exc:
        raise CorruptFile(f"{name}: PDF 文件已损坏（{exc}）") from exc
    except Exception as exc:  # pypdf raises assorted errors on malformed objects
        raise CorruptFile(f"{name}: PDF 无法解析（{type(exc).__name__}: {exc}）") from exc
    text = "\n\n".join(page.strip("\n") for page in pages).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorruptFile(f"{name}: 没有文本层（扫描件），需要先做 OCR")
    return text


def _read(path: Path, max_bytes: int) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLarge(
                f"{name}: 文件过大（{size} 字节，约 {_mb(size)}），上限为 {max_bytes} 字节（{_mb(max_bytes)}）"
            )
        if size == 0:
            raise EmptyDocument(f"{name}: 空文件（0 字节）")
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{name}: 无法读取文件（{exc.strerror or exc}）") from exc


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> SourceDoc:
    """Load one file into a :class:`SourceDoc` (加载单个文件); raises a :class:`CorpusError`."""
    check_name(source or path.name)  # before any message quotes the name raw
    name = path.name
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        shown = ext or "（无扩展名）"
        hint = "；请用 Word/WPS 另存为 .docx" if ext in {".doc", ".wps", ".rtf"} else ""
        raise UnsupportedFormat(
            f"{name}: 不支持的文件格式 {shown}；支持 {', '.join(sorted(SUPPORTED))}{hint}"
        )
    data = _read(path, max_bytes)
    fmt = _FORMATS[ext]
    page = DocMeta()
    if fmt == "html":
        text, page = _extract_html(data, name)
    elif fmt == "docx":
        text = _extract_docx(data, name, max_bytes)
    elif fmt == "pdf":
        text = _extract_pdf(data, name)
    else:
        text, _ = decode_bytes(data, name)
    if not text.strip():
        raise EmptyDocument(f"{name}: 文档没有文字内容")

    meta, skip = describe_text(text, fallback_title=path.stem, page=page, file_name=source or name)
    if not _has_content(text, skip):
        raise EmptyDocument(f"{name}: 去掉元数据头和网页模板后没有正文")
    return SourceDoc(source=source or name, path=str(path), fmt=fmt, text=text, meta=meta, skip=tuple(skip))


def describe_text(
    text: str, *, fallback_title: str = "", page: DocMeta | None = None, file_name: str = ""
) -> tuple[DocMeta, list[tuple[int, int]]]:
    """Metadata and skipped ranges of a loaded text (元数据与非正文区间), as :func:`load_file` finds them.

    Skipped: the ``key: value`` header; in the law collection's markdown the info block up to
    ``<!-- INFO END -->`` and the history note opening the body (题注); a table of contents (目录);
    web boilerplate. Everything else is body, at its original offsets. Metadata: the header, then a
    web ``page``'s ``<meta>``, then what :func:`derive_meta` finds in the text; ``file_name`` (as
    uploaded) may carry the date, e.g. ``2024-03-05_通知.txt``.
    """
    header, body_start = parse_header(text)
    if page is not None:  # a web page's <meta>/<title>, below the maintainer's header
        header = merge_meta(header, page)
    info_end = law_info_end(text, body_start)
    law = DocMeta()
    spans = [(0, body_start)] if body_start else []
    if info_end:
        head = text[body_start:info_end]
        preamble = law_preamble_spans(text, info_end, law_title(head))
        law = law_meta(head, [text[a:b] for a, b in preamble], body=text[info_end:])
        spans += [(body_start, info_end), *preamble]
        body_start = info_end
    # The law collection is clean text, not a scraped page: the web-footer rules would take list items
    # repeated near the end of a law (（三）…的；) for a footer.
    web = [] if info_end else boilerplate_spans(text, body_start)
    skip = merge_spans(spans + toc_spans(text, body_start) + web)
    derived = derive_meta(
        text, body_start, fallback_title, file_name=file_name, skip=skip, header_title=header.title
    )
    meta = merge_meta(header, merge_meta(law, derived))
    return meta, skip


def _has_content(text: str, skip: list[tuple[int, int]]) -> bool:
    pos = 0
    for start, end in [*skip, (len(text), len(text))]:
        if text[pos:start].strip():
            return True
        pos = max(pos, end)
    return False


def _hidden(part: str) -> bool:
    return part.startswith(".")


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders recursively (sorted; hidden files/dirs and unsupported extensions skipped).

    Files named explicitly are kept whatever their extension, so that an unsupported one is
    reported by :func:`load_paths` rather than silently ignored. Duplicates are dropped.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not _hidden(d))
            found.extend(
                Path(root, f) for f in sorted(files) if not _hidden(f) and Path(f).suffix.lower() in SUPPORTED
            )
    return list(dict.fromkeys(found))


def load_paths(
    paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[SourceDoc], list[LoadFailure]]:
    """Load every file under ``paths`` (批量加载); a bad file becomes a :class:`LoadFailure`, never an exception."""
    docs: list[SourceDoc] = []
    failures: list[LoadFailure] = []
    by_source: dict[str, Path] = {}
    for path in iter_files(paths):
        try:
            doc = load_file(path, max_bytes=max_bytes)
        except CorpusError as exc:
            failures.append(LoadFailure(str(path), str(exc)))
            continue
        except Exception as exc:  # a third-party parser bug must not stop the other files
            reason = f"{path.name}: 文件已损坏或无法解析（{type(exc).__name__}: {exc}）"
            failures.append(LoadFailure(str(path), reason))
            continue
        if doc.source in by_source:
            # Documents are identified by file name (doc_id), so a second one would overwrite the first.
            reason = f"{path.name}: 与已加载的 {by_source[doc.source]} 同名；文档按文件名识别，请改名后再导入"
            failures.append(LoadFailure(str(path), reason))
            continue
        by_source[doc.source] = path
        docs.append(doc)
    return docs, failures
