"""bench/retrieval.py writes only its own marked section of docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "retrieval.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_retrieval", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_section_is_created_then_replaced_in_place(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "docs" / "benchmarks.md"
    bench.replace_section(path, "first")
    assert path.read_text(encoding="utf-8") == f"# Benchmarks\n\n{bench.START}\nfirst\n{bench.END}\n"
    other = "<!-- bench:scale -->\nscale table\n<!-- /bench:scale -->\n"
    path.write_text(
        f"# Benchmarks\n\nintro\n\n{bench.START}\nfirst\n{bench.END}\n\n{other}", encoding="utf-8"
    )
    bench.replace_section(path, "second\n")
    text = path.read_text(encoding="utf-8")
    assert text == f"# Benchmarks\n\nintro\n\n{bench.START}\nsecond\n{bench.END}\n\n{other}"


def test_section_is_appended_after_other_sections(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n<!-- bench:scale -->\nx\n<!-- /bench:scale -->\n", encoding="utf-8")
    bench.replace_section(path, "table")
    assert path.read_text(encoding="utf-8").endswith(
        f"<!-- /bench:scale -->\n\n{bench.START}\ntable\n{bench.END}\n"
    )
    assert bench.peak_rss_mb() > 10
