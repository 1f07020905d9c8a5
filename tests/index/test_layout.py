"""One index file layout (index.layout), crash recovery apart from the doctor (index.recovery), one
corpus fingerprint (index.fingerprint) and one ingest summary (IngestReport.summary). No index is built:
these are the pure parts, and the source scans that keep them the only ones."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from corpus.types import LoadFailure
from index import layout as layout_module
from index.errors import IndexLocked, IndexMissing
from index.fingerprint import corpus_fingerprint
from index.layout import TRANSIENT_NAMES, IndexLayout, require_local_index
from index.lock import InUse, WriteLock
from index.manifest import Manifest, read_manifest, write_manifest
from index.recovery import needs_recovery, recover_interrupted_write
from index.reports import IngestReport

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("corpus", "index", "assistant", "quiz", "ui", "evaluation")
FILE_NAMES = (
    "catalog.sqlite",
    "manifest.json",
    "write.lock",
    "in-use.lock",
    "audit.jsonl",
    "bm25.tmp",
    "bm25.old",
)


def test_layout_names_every_file_of_the_index_folder(tmp_path: Path) -> None:
    lay = IndexLayout(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in (
        lay.catalog, lay.manifest, lay.manifest_tmp, lay.bm25, *lay.bm25_leftovers, lay.chroma, lay.cache,
        lay.write_lock, lay.in_use_lock, lay.audit_log,
    )] == [
        "catalog.sqlite", "manifest.json", "manifest.json.tmp", "bm25", "bm25.tmp", "bm25.old", "chroma", "cache",
        "write.lock", "in-use.lock", "audit.jsonl",
    ]  # fmt: skip
    # a backup leaves out exactly the locks, the cache and the half-written temporaries
    assert {
        "write.lock",
        "in-use.lock",
        "cache",
        "bm25.tmp",
        "bm25.old",
        "manifest.json.tmp",
    } == TRANSIENT_NAMES


def test_the_lock_and_manifest_modules_use_the_layout(tmp_path: Path) -> None:
    lay = IndexLayout(tmp_path)
    assert WriteLock(tmp_path).path == lay.write_lock and InUse(tmp_path).path == lay.in_use_lock
    write_manifest(tmp_path, Manifest("e", 3, {}, "c"))
    assert json.loads(lay.manifest.read_text(encoding="utf-8"))["embedder"] == "e"
    assert read_manifest(tmp_path) == Manifest("e", 3, {}, "c") and not lay.manifest_tmp.exists()


def _string_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are not docstrings (a docstring may name a file; code may not)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_but_the_layout_spells_an_index_file_name() -> None:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if path == Path(layout_module.__file__):
                continue
            for line, text in _string_literals(ast.parse(path.read_text(encoding="utf-8"))):
                found += [f"{path.relative_to(REPO)}:{line} {name}" for name in FILE_NAMES if name in text]
    assert not found, "index file names belong in index/layout.py:\n" + "\n".join(found)


def test_the_knowledge_base_does_not_import_the_doctor_and_the_doctor_uses_no_private_member() -> None:
    kb_source = (REPO / "index" / "knowledge_base.py").read_text(encoding="utf-8")
    imported = {
        n.module for n in ast.walk(ast.parse(kb_source)) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert "index.doctor" not in imported and "index.recovery" in imported
    doctor = ast.parse((REPO / "index" / "doctor.py").read_text(encoding="utf-8"))
    private = [
        f"{n.lineno}: {n.attr}"
        for n in ast.walk(doctor)
        if isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__")
    ]
    assert not private


def test_a_missing_index_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match=r"不存在；请检查 --index，或先导入文件：policy-assistant ingest"):
        require_local_index(tmp_path / "typo")
    assert not (tmp_path / "typo").exists()  # refused, not created
    with pytest.raises(IndexMissing, match=r"缺少 catalog\.sqlite"):
        require_local_index(tmp_path)
    IndexLayout(tmp_path).catalog.write_bytes(b"")
    require_local_index(tmp_path)  # a catalog is enough: a lost manifest is recovered on open


# --- crash recovery through a stand-in knowledge base -------------------------------------------------


@dataclass
class _Catalog:
    docs: int
    chunks: int
    manifest: Manifest | None

    def counts(self) -> tuple[int, int]:
        return self.docs, self.chunks

    def read_manifest(self) -> Manifest | None:
        return self.manifest


@dataclass
class _Vectors:
    n: int

    def count(self) -> int:
        return self.n


@dataclass
class _KB:
    layout: IndexLayout
    catalog: _Catalog
    vectors: _Vectors
    locked: bool = False
    repairs: list[str] = field(default_factory=list)
    queued: int = 0  # passages waiting in the embedding queue: stored, not yet vectors

    def pending_vectors(self) -> int:
        return self.queued

    def repair(self) -> None:
        if self.locked:
            raise IndexLocked("busy")
        self.repairs.append("repair")


def _kb(
    tmp_path: Path, *, docs: int = 2, chunks: int = 5, vectors: int = 5, counted: tuple[int, int] = (2, 5)
) -> _KB:
    manifest = Manifest("e", 3, {}, "c", documents=counted[0], chunks=counted[1])
    return _KB(IndexLayout(tmp_path), _Catalog(docs, chunks, manifest), _Vectors(vectors))


def test_a_consistent_index_is_left_alone(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    assert not needs_recovery(kb) and not recover_interrupted_write(kb) and kb.repairs == []


@pytest.mark.parametrize(
    "damage",
    ["killed-writer", "counts", "vectors", "no-manifest"],
)
def test_an_interrupted_write_is_finished_through_the_public_repair(tmp_path: Path, damage: str) -> None:
    kb = _kb(
        tmp_path, vectors=4 if damage == "vectors" else 5, counted=(2, 4) if damage == "counts" else (2, 5)
    )
    if damage == "killed-writer":
        kb.layout.write_lock.write_text('{"pid": 999999}', encoding="utf-8")
    if damage == "no-manifest":
        kb.catalog.manifest = None
    assert needs_recovery(kb) and recover_interrupted_write(kb) and kb.repairs == ["repair"]


def test_recovery_leaves_the_work_to_an_active_writer(tmp_path: Path) -> None:
    kb = _kb(tmp_path, vectors=1)
    kb.locked = True
    assert needs_recovery(kb) and not recover_interrupted_write(kb)


# --- one fingerprint, one summary ---------------------------------------------------------------------


def test_the_corpus_fingerprint_ignores_the_order_documents_were_ingested_in() -> None:
    assert corpus_fingerprint(["b", "a"]) == corpus_fingerprint(["a", "b"]) != corpus_fingerprint(["a"])
    # the value every existing manifest holds (sha256 over the sorted, concatenated fingerprints)
    assert (
        corpus_fingerprint(["b", "a"]) == "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603"
    )


REPORT = IngestReport(
    added=("a.txt", "b.txt"), updated=("c.txt",), unchanged=("d.txt",) * 3,
    failed=(LoadFailure("e.pdf", "坏文件"),), chunks_total=120, chunks_embedded=40, chars=60000, seconds=2.0,
)  # fmt: skip


def test_one_ingest_summary_in_three_lengths() -> None:
    assert REPORT.summary("counts") == "新增 2，更新 1，未变 3，失败 1"
    assert (
        REPORT.summary()
        == REPORT.summary("short")
        == "新增 2，更新 1，未变 3，失败 1；共 120 块，用时 2.0 秒"
    )
    assert REPORT.summary("full") == (
        "新增 2，更新 1，未变 3，失败 1；共 120 块，新嵌入 40 块；用时 2.0 秒（60.0 块/秒，30000 字/秒）"
    )
    assert IngestReport().summary("full").endswith("用时 0.0 秒（0.0 块/秒，0 字/秒）")  # no division by zero


def test_no_other_module_writes_the_summary_itself() -> None:
    copies = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            for line, text in _string_literals(ast.parse(path.read_text(encoding="utf-8"))):
                if "新增 " in text and path.name != "reports.py":
                    copies.append(f"{path.relative_to(REPO)}:{line}")
    assert not copies
