"""Shared fixtures: the real shared corpus, knowledge bases built with the real components, a browser.

Every test knowledge base is built by :func:`build_index` (the real ``Assistant.ingest``) through the
session-scoped ``built_index`` fixture, once per session and name, and is read-only: a test, server
or ingest that writes takes a :func:`writable_copy` first. Building the index of ``../shared/corpus``
embeds ~800 passages with the bundled model (a few minutes on two cores); developers may point
``POLICY_ASSISTANT_TEST_INDEX`` at a folder to reuse it between runs: it is copied, and rebuilt when
its manifest no longer matches the current chunker or embedder.

Tests that need a built index, a Chroma server or a browser are marked ``slow`` here
(:func:`pytest_collection_modifyitems`), so ``pytest -m "not slow"`` never pays for one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from index_kit import build_index, cache_is_current, writable_copy

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
# Fixtures that build a knowledge base, start a server process or launch Chromium: seconds to minutes.
SLOW_FIXTURES = frozenset({"built_index", "chroma_url", "browser"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())  # every fixture the test needs, directly or not
        if SLOW_FIXTURES.intersection(fixtures):
            item.add_marker(pytest.mark.slow)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)


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


BuiltIndex = Callable[..., Path]


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> BuiltIndex:
    """``built_index(name, sources, cache=None, added=None)``: the read-only index of ``sources``.

    Built once per session and ``name``. With ``cache`` (a folder), the index is copied from it,
    the cache being (re)built first when missing or built with other settings, and brought up to
    date by an incremental ingest (no embedding for unchanged files). ``added``: how many documents
    the build must add."""
    built: dict[str, Path] = {}

    def get(
        name: str,
        sources: Sequence[Path],
        cache: Path | None = None,
        added: int | None = None,
    ) -> Path:
        if name in built:
            return built[name]
        target = tmp_path_factory.mktemp(f"{name}-index") / "index"
        if cache is not None:
            if not cache_is_current(cache):
                shutil.rmtree(cache, ignore_errors=True)
                build_index(cache, sources)
            writable_copy(cache, target)
        report = build_index(target, sources)
        assert added is None or len(report.added) == added, report
        built[name] = target
        return target

    return get


@pytest.fixture(scope="session")
def corpus_index(built_index: BuiltIndex, corpus_dir: Path) -> Path:
    """A read-only index of the whole shared corpus (do not write to it: take a writable_copy)."""
    cached = os.environ.get("POLICY_ASSISTANT_TEST_INDEX")
    return built_index("corpus", [corpus_dir], cache=Path(cached) if cached else None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for one test module (see browser_kit)."""
    from browser_kit import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def assistant_on_corpus(corpus_index: Path):  # type: ignore[no-untyped-def]
    """A shared Assistant over the corpus index, for read-only questions."""
    from assistant import Assistant, Settings

    assistant = Assistant(Settings(index_dir=corpus_index))
    yield assistant
    assistant.close()
