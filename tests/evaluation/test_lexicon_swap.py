"""Asking with an earlier lexicon (bench/holdout_report.py --lexicon-at): a proxy for wording nobody has seen.
The swap reaches every reader of the lexicon and is undone afterwards."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from assistant.lexicon import expansions

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("holdout_report", BENCH / "holdout_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["holdout_report"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_a_swapped_lexicon_is_read_inside_and_the_own_one_after() -> None:
    report = _report()
    assert "乡村医生" in expansions("村医的执业证管几年？")
    with report.swapped_lexicon("低保\t最低生活保障\n"):
        assert "乡村医生" not in expansions("村医的执业证管几年？")
        assert "最低生活保障" in expansions("低保户每月能领多少？")
    assert "乡村医生" in expansions("村医的执业证管几年？")


def test_the_lexicon_of_a_revision_is_read_from_git() -> None:
    assert "村医\t乡村医生" in _report().lexicon_at("HEAD")
