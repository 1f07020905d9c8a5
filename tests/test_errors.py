"""One exception tree (异常体系): every user-facing error is a PolicyAssistantError, and the command line
reports any of them as one Chinese line on stderr with exit code 2, never a traceback (the real CLI,
run as a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.chunker import ChunkSettings
from corpus.errors import CorpusError, PolicyAssistantError
from index.catalog import Catalog
from index.errors import IndexError_, IndexFailure, IndexLocked, IndexMissing, ManifestMismatch, StoreError
from index.layout import IndexLayout
from index.manifest import Manifest, write_manifest

CLI = Path(sys.executable).with_name("policy-assistant")


def _classes() -> dict[str, type[BaseException]]:
    from assistant import InputRejected
    from evaluation.errors import EvaluationError, GoldSetError, PredictionError
    from index.backup import BackupError
    from index.jobs import Cancelled
    from index.migrate import MigrateError
    from quiz.export import QuizExportError
    from quiz.importer import QuizImportError
    from ui.access import AccessError
    from ui.api import ApiError
    from ui.api_keys import ApiKeyError
    from ui.app import StartupRefused
    from ui.auth import AuthError
    from ui.feedback import FeedbackError
    from ui.service import ServiceError
    from ui.throttle import FormRefused

    return {
        c.__name__: c
        for c in (
            CorpusError, IndexFailure, IndexLocked, IndexMissing, ManifestMismatch, StoreError, BackupError,
            MigrateError, Cancelled, InputRejected, QuizExportError, QuizImportError, AccessError, ApiError,
            ApiKeyError, StartupRefused, AuthError, FeedbackError, ServiceError, FormRefused, EvaluationError,
            GoldSetError, PredictionError,
        )
    }  # fmt: skip


def test_every_project_error_is_a_policy_assistant_error() -> None:
    classes = _classes()
    outside = sorted(name for name, c in classes.items() if not issubclass(c, PolicyAssistantError))
    assert not outside
    assert IndexError_ is IndexFailure  # the former name still works for existing imports


def test_existing_except_clauses_keep_catching_them() -> None:
    # Callers wrote ``except ValueError`` / ``except RuntimeError`` before the tree existed.
    classes = _classes()
    value_errors = ["InputRejected", "AccessError", "ApiKeyError", "AuthError", "FeedbackError"]
    value_errors += ["ServiceError", "FormRefused"]
    assert all(issubclass(classes[name], ValueError) for name in value_errors)
    assert issubclass(classes["StartupRefused"], RuntimeError)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Its own home: a knowledge base the developer keeps in ~/.policy-assistant is not this test's input.
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(cwd / "home")}
    return subprocess.run(
        [str(CLI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["ask", "退耕还林补助标准是多少"], ["list"], ["doctor"]])
def test_a_missing_index_folder_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    line = _one_error_line(_run(*command, "--index", str(tmp_path / "no-such-index"), cwd=tmp_path))
    assert "no-such-index" in line and "不存在" in line and "policy-assistant ingest" in line
    assert not (tmp_path / "no-such-index").exists()  # nothing was created on the way


def test_an_index_built_with_another_embedder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    Catalog(IndexLayout(index).catalog).close()
    write_manifest(index, Manifest("st:/models/other", 768, ChunkSettings().to_dict(), "pa-other"))
    line = _one_error_line(_run("search", "耕地保护", "--index", str(index), cwd=tmp_path))
    assert "st:/models/other" in line and "--rebuild" in line


def test_a_bad_gold_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "q1", "question": \n', encoding="utf-8")
    line = _one_error_line(
        _run("eval", "run", str(gold), "--index", str(tmp_path), "--out", "out", cwd=tmp_path)
    )
    assert "gold.jsonl" in line


def test_a_bad_quiz_file_is_exit_2_with_its_problems_listed(tmp_path: Path) -> None:
    # The one place with more than one line: a reviewed workbook gets one line per problem to fix.
    bad = tmp_path / "reviewed.json"
    bad.write_text(json.dumps({"not": "a quiz"}), encoding="utf-8")
    result = _run("quiz", "import", str(bad), "--out", str(tmp_path / "x.json"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    first, *problems = result.stderr.strip().splitlines()
    assert (
        first.startswith("错误：reviewed.json") and problems and all(p.startswith("  - ") for p in problems)
    )
    assert not (tmp_path / "x.json").exists()
