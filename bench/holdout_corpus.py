"""Extract the holdout laws (留出集法规) from the scale tarball: ``python bench/holdout_corpus.py OUTDIR``.

``evaluation/data/holdout_laws.txt`` lists ``slug<TAB>member`` lines; each member of
``../shared/scale/cn-laws-corpus.tar.xz`` is written to ``OUTDIR/<slug>.md`` unchanged, the file
names ``evaluation/data/holdout_qa.jsonl`` cites. Ingest OUTDIR together with ``../shared/corpus``
to answer the holdout set. A missing tarball or member is one line naming it, exit 2.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAWS_LIST = REPO / "evaluation" / "data" / "holdout_laws.txt"
TARBALL = Path("scale") / "cn-laws-corpus.tar.xz"


class HoldoutSourceError(Exception):
    """The tarball, a listed member or the list itself is missing or malformed."""


def load_laws(path: Path = LAWS_LIST) -> dict[str, str]:
    """``slug → tar member`` from the list file; ``#`` lines and blank lines are skipped."""
    laws: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        slug, sep, member = line.partition("\t")
        if not sep or not slug or not member:
            raise HoldoutSourceError(f"{path} line {number}: expected 'slug<TAB>member', got {line!r}")
        laws[slug] = member
    return laws


def read_members(tarball: Path, members: set[str]) -> dict[str, bytes]:
    """The bytes of each member, in one streaming pass that stops once all are found."""
    if not tarball.is_file():
        raise HoldoutSourceError(f"{tarball}: scale tarball not found")
    found: dict[str, bytes] = {}
    with tarfile.open(tarball, "r|xz") as archive:
        for info in archive:
            if info.name in members and info.isfile():
                handle = archive.extractfile(info)
                assert handle is not None  # a regular file always has a payload
                found[info.name] = handle.read()
                if len(found) == len(members):
                    break
    missing = sorted(members - found.keys())
    if missing:
        raise HoldoutSourceError(f"{tarball}: member(s) not found: {', '.join(missing)}")
    return found


def read_holdout_docs(shared: Path, laws: dict[str, str]) -> dict[str, str]:
    """``<slug>.md → text`` for every listed law (the names the holdout set's ``doc`` field uses)."""
    data = read_members(shared / TARBALL, set(laws.values()))
    return {f"{slug}.md": data[member].decode("utf-8") for slug, member in laws.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder for the extracted <slug>.md files")
    parser.add_argument("--shared", type=Path, default=REPO / ".." / "shared", help="the shared folder")
    parser.add_argument("--laws", type=Path, default=LAWS_LIST, help="slug<TAB>member list")
    args = parser.parse_args(argv)
    try:
        docs = read_holdout_docs(args.shared, load_laws(args.laws))
    except (HoldoutSourceError, OSError, tarfile.TarError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.outdir.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (args.outdir / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(docs)} files to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
