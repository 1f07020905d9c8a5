"""Shared fixtures: the real shared corpus, and knowledge bases built with the real components.

Building the index of ``../shared/corpus`` embeds ~800 passages with the bundled model (a few
minutes on two cores), so it is built once per test session. Developers may point
``POLICY_ASSISTANT_TEST_INDEX`` at a folder to reuse a built index between runs: it is copied, and
rebuilt when its manifest no longer matches the current chunker or embedder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.fail(f"缺少共享数据目录 {SHARED}（应在仓库旁边放置 ../shared）")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def dev_set(shared_dir: Path) -> Path:
    return shared_dir / "datasets" / "dev_qa.jsonl"


def _build_index(target: Path, corpus: Path) -> None:
    from assistant.config import Settings
    from assistant.engine import Assistant

    assistant = Assistant(Settings(index_dir=target))
    report = assistant.ingest([corpus])
    assistant.close()
    assert report.ok, report.failed


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A read-only index of the whole shared corpus (do not write to it: copy it first)."""
    from corpus.chunker import ChunkSettings
    from index.embedder import DEFAULT_EMBEDDER
    from index.manifest import read_manifest

    target = tmp_path_factory.mktemp("corpus-index") / "index"
    cached = os.environ.get("POLICY_ASSISTANT_TEST_INDEX")
    if cached:
        cache = Path(cached)
        manifest = read_manifest(cache)
        if (
            manifest is None
            or manifest.chunker != ChunkSettings().to_dict()
            or manifest.embedder != DEFAULT_EMBEDDER
        ):
            shutil.rmtree(cache, ignore_errors=True)
            _build_index(cache, corpus_dir)
        shutil.copytree(cache, target, ignore=shutil.ignore_patterns("write.lock"))
        # An incremental ingest picks up corpus changes since the cache was built.
        _build_index(target, corpus_dir)
        return target
    _build_index(target, corpus_dir)
    return target


@pytest.fixture(scope="session")
def assistant_on_corpus(corpus_index: Path):  # type: ignore[no-untyped-def]
    """A shared Assistant over the corpus index, for read-only questions."""
    from assistant.config import Settings
    from assistant.engine import Assistant

    assistant = Assistant(Settings(index_dir=corpus_index))
    yield assistant
    assistant.close()
