"""Checking web uploads (上传检查): which files an upload may store, and what it reports back.

Each file is checked before anything is kept: a bare name the file system can store, a format the
loaders read, a size under the limit, and a text no stored document already has (内容重复).
:class:`UploadResult` is what the knowledge-base page is told afterwards, including stored files whose
content an imported one repeats (:func:`same_content`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant import SUPPORTED, DocRecord, IngestReport, name_problem

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_NAME_BYTES",
    "UploadResult",
    "check_uploads",
    "same_content",
    "upload_name",
]

ALLOWED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf"}) & SUPPORTED
MAX_NAME_BYTES = 255  # what Linux file systems store in one name


def upload_name(original: str) -> str:
    """The bare file name of an upload: no folders (either slash), no control characters.

    Browsers on Windows may send ``C:\\Users\\x\\通知.txt``; only ``通知.txt`` is kept. A name that still
    holds a control character (NUL, line breaks) is returned empty, which the caller rejects.
    """
    name = original.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].strip()
    if name_problem(name) is not None:  # the command line's rule (corpus.names)
        return ""
    return name


def check_uploads(
    files: Sequence[tuple[str, Path]],
    max_bytes: int,
    duplicate_of: Callable[[Path, str], DocRecord | None],
) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """Uploads given as (original name, temporary path), checked one by one: the accepted ones as
    (bare name, path) and the rejected ones as (name, reason). ``duplicate_of`` names the stored
    document with the same text (``Assistant.duplicate_of``)."""
    rejected: list[tuple[str, str]] = []
    accepted: list[tuple[str, Path]] = []
    for original, tmp in files:
        name = upload_name(original)
        suffix = Path(name).suffix.lower()
        if not name or name.startswith(".") or len(name.encode("utf-8")) > MAX_NAME_BYTES:
            rejected.append((original, "文件名无效（不能含控制字符、不能以点开头、不超过 255 字节）"))
        elif suffix not in ALLOWED_SUFFIXES:
            allowed = " ".join(sorted(ALLOWED_SUFFIXES))
            rejected.append((name, f"不支持的格式 {suffix or '（无扩展名）'}，可上传 {allowed}"))
        elif tmp.stat().st_size > max_bytes:
            rejected.append((name, f"文件过大，上限 {max_bytes // (1024 * 1024)} MB"))
        elif (same := duplicate_of(tmp, name)) is not None:  # 内容重复: name the stored one
            rejected.append((name, f"内容与已入库的《{same.title or same.source}》（{same.source}）相同"))
        else:
            accepted.append((name, tmp))
    return accepted, rejected


def same_content(records: Sequence[DocRecord], new: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(new file, stored file) pairs with the same content (重复内容): same text, title, issuer and date."""
    by_fp: dict[str, list[str]] = {}
    for r in records:
        by_fp.setdefault(r.fingerprint, []).append(r.source)
    fps = {r.source: r.fingerprint for r in records}
    return tuple((name, other) for name in new if name in fps for other in by_fp[fps[name]] if other != name)


@dataclass(frozen=True, slots=True)
class UploadResult:
    report: IngestReport | None
    rejected: tuple[tuple[str, str], ...]  # (file name, reason)
    duplicates: tuple[tuple[str, str], ...] = ()  # (new file, stored file with the same content)

    def summary(self) -> str:
        lines = []
        r = self.report
        if r is not None:
            lines.append(r.summary("short"))
            if r.added or r.updated:
                lines.append(
                    f"已可按关键词检索；向量（语义检索）在后台补齐，进度见文件列表（队列中 {r.queued} 块）"
                )
            lines += [f"失败：{f.reason}" for f in r.failed]
            if r.cancelled:
                lines.append(f"已取消：未导入 {'、'.join(r.cancelled)}（取消前已导入的文件保留）")
        lines += [f"未接受：{name}（{why}）" for name, why in self.rejected]
        lines += [
            f"注意：{new} 与已入库的 {old} 内容相同，同一条文会出现两次；如非有意，请删除其中一个"
            for new, old in self.duplicates
        ]
        return "\n".join(lines) or "没有文件"
