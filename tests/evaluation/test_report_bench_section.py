"""The benchmarks write only their own marked section of docs/benchmarks.md (bench/_scale_common.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"
START, END = "<!-- bench:retrieval -->", "<!-- /bench:retrieval -->"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_section_is_created_then_replaced_in_place(tmp_path: Path) -> None:
    common = _load("_scale_common")
    path = tmp_path / "docs" / "benchmarks.md"
    common.replace_section("retrieval", "first", path)
    assert path.read_text(encoding="utf-8") == f"# Benchmarks\n\n{START}\nfirst\n{END}\n"
    other = "<!-- bench:scale -->\nscale table\n<!-- /bench:scale -->\n"
    path.write_text(f"# Benchmarks\n\nintro\n\n{START}\nfirst\n{END}\n\n{other}", encoding="utf-8")
    common.replace_section("retrieval", "second\n", path)
    text = path.read_text(encoding="utf-8")
    assert text == f"# Benchmarks\n\nintro\n\n{START}\nsecond\n{END}\n\n{other}"


def test_section_is_appended_after_other_sections(tmp_path: Path) -> None:
    common = _load("_scale_common")
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench:scale -->\nx\n<!-- /bench:scale -->\n", encoding="utf-8")
    common.replace_section("retrieval", "table", path)
    assert path.read_text(encoding="utf-8").endswith(f"<!-- /bench:scale -->\n\n{START}\ntable\n{END}\n")
    assert common.peak_rss_mb() > 10


def test_retrieval_benchmark_loads_with_the_shared_helpers() -> None:
    bench = _load("retrieval")  # imports _scale_common itself, as `python bench/retrieval.py` does
    assert callable(bench.main) and callable(bench.render)
