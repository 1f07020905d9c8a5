"""A small real knowledge base for the quiz tests: two documents of the shared corpus, built once.

The bundled embedder costs ~0.2 s per passage, so the second document is cut to its first articles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

FILES = {
    "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt": None,  # whole: dates, bodies, lists, 倍, 周岁
    "2024-06-28_nongcun-jiti-jingji-zuzhi-fa.txt": 9000,  # head: periods (十日内), fractions, lists
}


@pytest.fixture(scope="session")
def quiz_index(
    tmp_path_factory: pytest.TempPathFactory, built_index: Callable[..., Path], corpus_dir: Path
) -> Path:
    docs = tmp_path_factory.mktemp("quiz-docs")
    for name, limit in FILES.items():
        text = (corpus_dir / name).read_text(encoding="utf-8")
        if limit:
            text = text[: text.rindex("\n", 0, limit) + 1]
        (docs / name).write_text(text, encoding="utf-8")
    return built_index("quiz", [docs])


@pytest.fixture(scope="session")
def quiz_assistant(quiz_index: Path) -> Iterator[object]:
    from assistant.config import Settings
    from assistant.engine import Assistant

    assistant = Assistant(Settings(index_dir=quiz_index))
    yield assistant
    assistant.close()
