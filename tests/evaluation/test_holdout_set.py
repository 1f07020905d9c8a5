"""The holdout gold set (留出集, evaluation/data/holdout_qa.jsonl) and its extractor (bench/holdout_corpus.py).

Every evidence string must occur verbatim in its document: the corpus files in ../shared/corpus and
the laws read from the scale tarball by the same function the extractor uses. The laws list also
holds the five laws of the second and the five of the third holdout set (test_holdout2_set.py,
test_holdout3_set.py).
"""

from __future__ import annotations

import io
import lzma
import tarfile
from pathlib import Path

import pytest
from holdout_kit import (
    DATA,
    LAWS,
    check_answer_fields,
    check_keys_stated,
    cited_documents,
    holdout,
    rows,
)

from evaluation.gold import NO_ANSWER, QUESTION_TYPES, load_gold

GOLD = DATA / "holdout_qa.jsonl"
ROWS = rows(GOLD)


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return cited_documents()


def test_loader_accepts_the_set_with_unique_ids_and_known_types() -> None:
    items = load_gold(GOLD)
    assert len(items) == len(ROWS) >= 120
    assert len({item.id for item in items}) == len(items)
    types = {item.type for item in items}
    assert types <= set(QUESTION_TYPES) and NO_ANSWER in types and len(types) == 8
    check_answer_fields(items)


def test_every_key_is_in_the_evidence_or_an_answer() -> None:
    check_keys_stated(ROWS)


def test_every_evidence_occurs_verbatim_in_its_document(documents: dict[str, str]) -> None:
    answerable = [row for row in ROWS if row["type"] != NO_ANSWER]
    cited_laws = {row["doc"] for row in answerable if row["doc"].endswith(".md")}
    assert len(cited_laws) == 8 and cited_laws <= {f"{slug}.md" for slug in LAWS}
    for row in answerable:
        assert row["doc"] in documents, (row["id"], row["doc"])
        assert row["evidence"] in documents[row["doc"]], row["id"]


def test_laws_list_names_distinct_members() -> None:
    assert len(LAWS) >= 18
    assert len(set(LAWS.values())) == len(LAWS)
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
