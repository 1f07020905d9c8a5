"""The holdout gold set (留出集, evaluation/data/holdout_qa.jsonl) and its extractor (bench/holdout_corpus.py).

Every evidence string must occur verbatim in its document: the corpus files in ../shared/corpus and
the eight laws read from the scale tarball by the same function the extractor uses.
"""

from __future__ import annotations

import importlib.util
import io
import json
import lzma
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

from evaluation.gold import NO_ANSWER, QUESTION_TYPES, load_gold

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
GOLD = REPO / "evaluation" / "data" / "holdout_qa.jsonl"
REFUSAL = "现有文件中没有相关规定，无法回答"


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("holdout_corpus", REPO / "bench" / "holdout_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


holdout = _extractor()
ROWS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
LAWS = holdout.load_laws()


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    if not (SHARED / holdout.TARBALL).is_file():
        pytest.skip(f"{SHARED / holdout.TARBALL} missing: holdout laws cannot be read")
    docs = holdout.read_holdout_docs(SHARED, LAWS)
    docs.update({p.name: p.read_text(encoding="utf-8") for p in (SHARED / "corpus").glob("*.txt")})
    return docs


def test_loader_accepts_the_set_with_unique_ids_and_known_types() -> None:
    items = load_gold(GOLD)
    assert len(items) == len(ROWS) >= 120
    assert len({item.id for item in items}) == len(items)
    types = {item.type for item in items}
    assert types <= set(QUESTION_TYPES) and NO_ANSWER in types and len(types) == 8
    for item in items:
        if item.answerable:
            assert item.keys and item.answers and item.doc and item.evidence, item.id
        else:
            assert item.answers == (REFUSAL,) and not item.keys, item.id


def test_every_key_is_in_the_evidence_or_an_answer() -> None:
    for row in ROWS:
        for key in row["keys"]:
            assert key in row["evidence"] or any(key in a for a in row["answers"]), (row["id"], key)


def test_every_evidence_occurs_verbatim_in_its_document(documents: dict[str, str]) -> None:
    answerable = [row for row in ROWS if row["type"] != NO_ANSWER]
    assert {row["doc"] for row in answerable} >= {f"{slug}.md" for slug in LAWS}
    for row in answerable:
        assert row["doc"] in documents, (row["id"], row["doc"])
        assert row["evidence"] in documents[row["doc"]], row["id"]


def test_laws_list_names_eight_distinct_members() -> None:
    assert len(LAWS) == 8
    assert len(set(LAWS.values())) == 8
    assert all(member.startswith("cn-laws/") and member.endswith(".md") for member in LAWS.values())


def _tarball(shared: Path, members: dict[str, str]) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    target = shared / holdout.TARBALL
    target.parent.mkdir(parents=True)
    target.write_bytes(lzma.compress(buffer.getvalue()))


def test_extractor_writes_flat_slug_files(tmp_path: Path) -> None:
    laws = tmp_path / "laws.txt"
    laws.write_text("# comment\nfoo-fa\tcn-laws/x/某法(2020-01-01).md\n", encoding="utf-8")
    _tarball(
        tmp_path / "shared", {"cn-laws/x/某法(2020-01-01).md": "# 某法\n第一条 内容。\n", "other.md": "x"}
    )
    out = tmp_path / "out"
    assert holdout.main([str(out), "--shared", str(tmp_path / "shared"), "--laws", str(laws)]) == 0
    assert [p.name for p in out.iterdir()] == ["foo-fa.md"]
    assert (out / "foo-fa.md").read_text(encoding="utf-8") == "# 某法\n第一条 内容。\n"


def test_missing_member_or_tarball_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laws = tmp_path / "laws.txt"
    laws.write_text("foo-fa\tcn-laws/x/缺失法.md\n", encoding="utf-8")
    assert holdout.main([str(tmp_path / "out"), "--shared", str(tmp_path / "none"), "--laws", str(laws)]) == 2
    assert "cn-laws-corpus.tar.xz: scale tarball not found" in capsys.readouterr().err
    _tarball(tmp_path / "shared", {"cn-laws/x/别的法.md": "x"})
    assert (
        holdout.main([str(tmp_path / "out"), "--shared", str(tmp_path / "shared"), "--laws", str(laws)]) == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "member(s) not found: cn-laws/x/缺失法.md" in err
    assert not (tmp_path / "out").exists()
