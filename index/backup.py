"""Backup, restore and export of a local knowledge base (备份、恢复与导出).

A backup is one ``.tar.gz``: ``backup.json`` (format, time, manifest, and the size and SHA-256 of
every file) followed by the index folder's files under ``index/``. It is taken under the index's
write lock, so no ingest runs meanwhile, and SQLite databases (the catalog, Chroma's own database)
are copied with SQLite's online backup API, so a reader's WAL never leaves a torn copy. Derived or
transient files (the jieba cache, the lock file, half-written temporaries) are left out.

Restore validates before it writes: a regular tar with ``backup.json`` first, only regular files
and folders, every name relative without ``..``, each file's size and SHA-256 as listed, and a
manifest and catalog present. It extracts into a temporary folder beside the target and moves it
into place, refusing a non-empty target unless ``force`` is given. Nothing is extracted by
``tarfile.extract``: each member is read and written to a path this module builds.

Export writes every document's text (the text as ingested, which all citations point into) with a
``documents.jsonl`` line of metadata per document.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from index.errors import IndexFailure
from index.layout import CATALOG, MANIFEST, TRANSIENT_NAMES, IndexLayout
from index.lock import WriteLock, exclusive_use
from index.manifest import read_manifest

if TYPE_CHECKING:
    from index.knowledge_base import KnowledgeBase

__all__ = ["BackupError", "BackupInfo", "backup", "export_documents", "restore"]

FORMAT = "policy-assistant-backup/1"
_META = "backup.json"
_PREFIX = "index"
_SKIP_NAMES = TRANSIENT_NAMES
_SQLITE_SIDE = ("-wal", "-shm", "-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_CHUNK = 1 << 20
# A restore never writes more than this in total, whatever the archive claims (a tar bomb guard).
MAX_RESTORE_BYTES = 20 * 1024**3


class BackupError(IndexFailure):
    """A backup could not be written or an archive cannot be restored; the message says why."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    files: int
    bytes: int
    documents: int
    chunks: int


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def _files(index_dir: Path) -> Iterator[Path]:
    """Files to archive, sorted; SQLite side files are covered by the database copy."""
    for path in sorted(index_dir.rglob("*")):
        rel = path.relative_to(index_dir)
        if any(part in _SKIP_NAMES for part in rel.parts) or path.is_symlink() or not path.is_file():
            continue
        if path.name.endswith(_SQLITE_SIDE):
            continue
        yield path


def _snapshot(path: Path, scratch: Path) -> Path:
    """A consistent single-file copy of a SQLite database (committed WAL content included)."""
    target = scratch / hashlib.sha256(str(path).encode()).hexdigest()[:16]
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def backup(index_dir: Path, out: Path) -> BackupInfo:
    """Write the whole knowledge base in ``index_dir`` to the archive ``out`` (under the write lock)."""
    layout = IndexLayout(index_dir)
    if read_manifest(index_dir) is None or not layout.catalog.is_file():
        raise BackupError(layout.missing_message())
    if out.is_dir():
        raise BackupError(f"无法写入备份文件 {out}：这是一个目录，请给出文件名，如 {out / 'kb.tar.gz'}")
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return _write_backup(index_dir, out, partial)
    except OSError as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        if exc.filename and Path(exc.filename).is_relative_to(index_dir):
            raise BackupError(f"无法读取索引文件 {exc.filename}（{os_reason(exc)}）") from exc
        raise BackupError(f"无法写入备份文件 {out}（{os_reason(exc)}）") from exc


_OS_REASONS = {
    errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "文件系统是只读的",
    errno.ENOTDIR: "路径中有一段是文件而不是目录", errno.EEXIST: "路径中有一段是文件而不是目录",
    errno.EISDIR: "这是一个目录", errno.ENOENT: "路径不存在", errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
}  # fmt: skip


def os_reason(exc: OSError) -> str:
    """A file-system error in a few words for the user, naming the path that failed."""
    reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{exc.filename}：{reason}" if exc.filename else reason


def _write_backup(index_dir: Path, out: Path, partial: Path) -> BackupInfo:
    with WriteLock(index_dir), tempfile.TemporaryDirectory(prefix="pa-backup-") as scratch:
        entries: list[tuple[str, Path, int]] = []  # (name in the archive, file to copy, mode to record)
        for path in _files(index_dir):
            source = _snapshot(path, Path(scratch)) if _is_sqlite(path) else path
            entries.append(
                (path.relative_to(index_dir).as_posix(), source, stat.S_IMODE(path.stat().st_mode))
            )
        listing: list[dict[str, Any]] = [
            {"name": name, "size": src.stat().st_size, "sha256": _sha256(src)} for name, src, _ in entries
        ]
        manifest = json.loads(IndexLayout(index_dir).manifest.read_text(encoding="utf-8"))
        meta = {
            "format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "manifest": manifest,
            "files": listing,
        }  # fmt: skip
        data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
        with tarfile.open(partial, "w:gz") as tar:
            info = tarfile.TarInfo(_META)
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
            for name, src, mode in entries:
                member = tar.gettarinfo(src, arcname=f"{_PREFIX}/{name}")
                member.mode = mode  # the original's, not the snapshot's: audit.jsonl stays 0600
                with src.open("rb") as fh:
                    tar.addfile(member, fh)
    partial.replace(out)
    return BackupInfo(
        out, len(entries), sum(int(f["size"]) for f in listing), int(manifest.get("documents", 0)),
        int(manifest.get("chunks", 0)),
    )  # fmt: skip


def _safe_name(name: str) -> PurePosixPath:
    """The archive path under ``index/``, refusing absolute paths, ``..`` and odd characters."""
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or "\\" in name
        or "\x00" in name
        or not path.parts
        or path.parts[0] != _PREFIX
        or any(part in ("..", ".", "") for part in path.parts)
    ):
        raise BackupError(f"备份包含不安全的路径 {name!r}，已拒绝恢复")
    return PurePosixPath(*path.parts[1:])


def _read_meta(tar: tarfile.TarFile) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != _META or not first.isfile() or first.size > 64 * 1024 * 1024:
        raise BackupError(f"不是政策通备份（第一个成员应为 {_META}）")
    fh = tar.extractfile(first)
    assert fh is not None
    try:
        meta = json.loads(fh.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"备份说明 {_META} 无法读取（{exc}）") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(meta.get("files"), list):
        raise BackupError(
            f"不支持的备份格式 {meta.get('format') if isinstance(meta, dict) else meta!r}，应为 {FORMAT}"
        )
    return meta


def _copy_member(src: IO[bytes], dest: Path, size: int, mode: int) -> str:
    digest = hashlib.sha256()
    written = 0
    # Created with its final mode, never wider than it was: a 0600 audit log is not readable meanwhile.
    with os.fdopen(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode), "wb") as out:
        while block := src.read(_CHUNK):
            written += len(block)
            if written > size:
                break
            digest.update(block)
            out.write(block)
    if written != size:
        raise BackupError(f"备份中的 {dest.name} 大小不符，备份已损坏")
    return digest.hexdigest()


def _restored_mode(archived: int) -> int:
    """The archived permission bits, at most rw-r--r-- (an archive cannot make a file executable or
    writable by others) and at least rw for the owner."""
    return (archived & 0o644) | 0o600


def _empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


IN_USE_ADVICE = "请先停止网页服务（policy-assistant serve）及其他使用它的命令，再恢复"


def restore(archive: Path, index_dir: Path, *, force: bool = False) -> BackupInfo:
    """Restore a backup into ``index_dir`` (empty, or replaced when ``force``); validates first.

    Refused while any process has the folder open (:func:`index.lock.exclusive_use`): a web server
    would go on answering from the deleted files and fail its next upload. While the restore runs,
    a knowledge base cannot be opened on the folder.
    """
    if not archive.is_file():
        raise BackupError(f"备份文件 {archive} 不存在或不是文件")
    if not _empty(index_dir) and not force:
        raise BackupError(f"目标目录 {index_dir} 不是空的；确认要覆盖现有知识库请加 --force")
    if index_dir.exists() and not index_dir.is_dir():
        raise BackupError(f"目标 {index_dir} 不是目录")
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建目标目录 {index_dir.parent}（{os_reason(exc)}）") from exc
    try:
        return _restore(archive, index_dir)
    except OSError as exc:
        raise BackupError(f"无法恢复到 {index_dir}（{os_reason(exc)}）") from exc


def _restore(archive: Path, index_dir: Path) -> BackupInfo:
    with ExitStack() as hold:
        if index_dir.is_dir():
            hold.enter_context(exclusive_use(index_dir, IN_USE_ADVICE))  # no reader has it open
            hold.enter_context(WriteLock(index_dir))  # and no writer
        # Not mkdtemp (mode 0700): the restored folder gets the mode the old one had, or the default.
        staging = index_dir.with_name(f".{index_dir.name}.restore-{uuid.uuid4().hex[:12]}")
        staging.mkdir()
        try:
            if index_dir.is_dir():
                staging.chmod(stat.S_IMODE(index_dir.stat().st_mode))
            info = _extract(archive, staging)
            if index_dir.exists():
                old = index_dir.with_name(f".{index_dir.name}.replaced-{int(time.time())}")
                index_dir.rename(old)
                staging.rename(index_dir)
                shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(index_dir)
            return BackupInfo(index_dir, info.files, info.bytes, info.documents, info.chunks)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _extract(archive: Path, staging: Path) -> BackupInfo:
    try:
        with tarfile.open(archive, "r:*") as tar:
            meta = _read_meta(tar)
            expected = _listing(meta)
            seen = _extract_members(tar, staging, expected)
    except BackupError:
        raise
    except Exception as exc:  # tarfile/gzip/zlib raise assorted errors on a damaged archive
        raise BackupError(f"{archive.name} 已损坏或不是政策通备份（{type(exc).__name__}: {exc}）") from exc
    if seen != expected.keys():
        raise BackupError(f"备份不完整：缺少 {', '.join(sorted(expected.keys() - seen)[:5])}")
    manifest = meta.get("manifest") or {}
    return BackupInfo(
        staging, len(seen), sum(s for s, _ in expected.values()), int(manifest.get("documents", 0)),
        int(manifest.get("chunks", 0)),
    )  # fmt: skip


def _listing(meta: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """{relative name: (size, sha256)} from the description, every name checked."""
    expected: dict[str, tuple[int, str]] = {}
    for item in meta["files"]:
        name = str(item["name"])
        _safe_name(f"{_PREFIX}/{name}")
        expected[name] = (int(item["size"]), str(item["sha256"]))
    if sum(size for size, _ in expected.values()) > MAX_RESTORE_BYTES:
        raise BackupError(f"备份声明的总大小超过上限 {MAX_RESTORE_BYTES} 字节，已拒绝")
    if not {MANIFEST, CATALOG} <= expected.keys():
        raise BackupError(f"备份缺少 {MANIFEST} 或 {CATALOG}")
    return expected


def _extract_members(tar: tarfile.TarFile, staging: Path, expected: dict[str, tuple[int, str]]) -> set[str]:
    """Copy each listed regular file into ``staging``, checking its size and SHA-256; the names copied."""
    seen: set[str] = set()
    for member in tar:
        if member.name == _META and member.offset == 0:
            continue  # iteration starts again at the description already read
        rel = _safe_name(member.name)
        if member.isdir():
            continue
        if not member.isfile():
            raise BackupError(f"备份包含链接或特殊文件 {member.name!r}，已拒绝恢复")
        key = rel.as_posix()
        if key not in expected or key in seen:
            raise BackupError(f"备份中的 {member.name} 不在文件清单中（或重复），备份已损坏")
        size, sha = expected[key]
        if member.size != size:
            raise BackupError(f"备份中的 {member.name} 大小不符，备份已损坏")
        dest = staging.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        src = tar.extractfile(member)
        assert src is not None
        if _copy_member(src, dest, size, _restored_mode(member.mode)) != sha:
            raise BackupError(f"备份中的 {member.name} 校验失败（SHA-256 不符），备份已损坏")
        seen.add(key)
    return seen


def _export_name(source: str, fmt_suffix: str, used: set[str]) -> str:
    """A plain file name for a document's text: no separators, no leading dot, unique."""
    base = "".join("_" if ch in "/\\:\x00" or ord(ch) < 32 else ch for ch in source).lstrip(".") or "document"
    name = base if base.lower().endswith(fmt_suffix) else base + fmt_suffix
    stem, n = name, 1
    while name in used:
        n += 1
        name = f"{Path(stem).stem}-{n}{Path(stem).suffix}"
    used.add(name)
    return name


def export_documents(kb: KnowledgeBase, out_dir: Path) -> int:
    """Write each document's text to ``out_dir/texts/`` and its metadata to ``documents.jsonl``."""
    try:
        return _export(kb, out_dir)
    except OSError as exc:
        raise BackupError(f"无法写入导出目录 {out_dir}（{os_reason(exc)}）") from exc


def _export(kb: KnowledgeBase, out_dir: Path) -> int:
    texts = out_dir / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    count = 0
    with (out_dir / "documents.jsonl").open("w", encoding="utf-8") as sink:
        for rec in kb.catalog.documents():
            text = kb.catalog.document_text(rec.doc_id)
            meta = kb.catalog.document_meta(rec.doc_id)
            if text is None or meta is None:
                continue
            suffix = ".md" if rec.source.lower().endswith((".md", ".markdown")) else ".txt"
            name = _export_name(rec.source, suffix, used)
            (texts / name).write_text(text, encoding="utf-8", newline="")
            line = {
                "doc_id": rec.doc_id, "source": rec.source, "text_file": f"texts/{name}", "title": meta.title,
                "issuer": meta.issuer, "date": meta.date, "doc_number": meta.doc_number,
                "source_url": meta.source_url, "author": meta.author, "extra": dict(meta.extra),
                "chars": len(text), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "fingerprint": rec.fingerprint, "n_chunks": rec.n_chunks, "ingested_at": rec.ingested_at,
            }  # fmt: skip
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count
