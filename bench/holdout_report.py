"""Holdout sets side by side (留出集对照): every holdout set and the refusal probe, answered and scored.

    python bench/holdout_report.py --indexes DIR [--sets holdout,holdout2,holdout3,holdout4,holdout5,holdout6,holdout7,holdout8,holdout9,holdout10,holdout11,holdout12,holdout13,…,holdout36,probe]
        [--out DIR]

Each holdout set was written over ``../shared/corpus`` and the laws of ``evaluation/data/holdout_laws.txt``
known when it was written: the first holds 8 laws, the second 13, the third 18, the fourth 23, the
fifth 28, the sixth 33, the seventh 38, the eighth 43, the ninth 48, the tenth 53, the eleventh 58, the
twelfth 63, the thirteenth 83, the fourteenth 88, the fifteenth 93, the sixteenth 98, the seventeenth 103, the eighteenth 108, the nineteenth 113, the twentieth 118, the twenty-first 133, the twenty-second 138, the twenty-third 143, the twenty-fourth 148, the twenty-fifth 153, the twenty-sixth 158, the twenty-seventh 163, the twenty-eighth 168, the twenty-ninth 173, the thirtieth 178, the thirty-first 183, the thirty-second 188, the thirty-third 193, the thirty-fourth 198, the thirty-fifth 203 and the thirty-sixth 208 (after the training sets' 64–78; the refusal probe uses the third's). ``DIR/<set>-index`` is that knowledge base; when it is missing it is built once (the laws
extracted from ``../shared/scale`` into ``DIR/<set>-docs``, then ``policy-assistant ingest ../shared/corpus DIR/<set>-docs --wait``, a few
minutes each). Indexes are copied before they are asked, so a built one is never written again. Questions are asked in-process exactly as ``ask --batch``
does (bench/calibrate.py), answers written to ``<out>/answers-<set>.jsonl`` for ``policy-assistant eval
score``, and the figures printed as markdown: all sets side by side, then each by question type.

``--lexicon-at REV`` asks with the colloquial lexicon as it was at git revision ``REV`` (swapped in-process):
a set asked with the lexicon from before it was written is a proxy for questions whose wording nobody has
seen (holdouts 4–6 with ``--lexicon-at b18c7c8~1`` score close to their fresh figures), so a change to the
reading can be judged on unseen wording without writing a new set.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common
from calibrate import REPO, SHARED, _copy, answer_set, markdown_table, side_by_side, type_rows
from holdout_corpus import load_laws, read_holdout_docs

from evaluation.gold import load_gold
from evaluation.scoring import score

DATA = REPO / "evaluation" / "data"


@dataclass(frozen=True)
class HoldoutSet:
    """A gold set and the knowledge base it was written over: the corpus and the first ``laws`` laws."""

    name: str
    gold: str
    laws: int
    index: str  # the index folder's name under --indexes (the probe shares the third set's)


def _named(*sets: HoldoutSet) -> dict[str, HoldoutSet]:
    return {s.name: s for s in sets}


# Holdout n (up to the twelfth) was written over the corpus and the first 3 + 5n laws, five more each time;
# the thirteenth follows the training sets' laws 64–78 with laws 79–83, the fourteenth with 84–88, the fifteenth with 89–93,
# the sixteenth with 94–98, the seventeenth with 99–103, the eighteenth with 104–108,
# the nineteenth with 109–113, the twentieth with 114–118, the twenty-first (after training 4 and 5's 119–128)
# with 129–133, the twenty-second with 134–138, the twenty-third with 139–143, the twenty-fourth with 144–148,
# the twenty-fifth with 149–153, the twenty-sixth with 154–158, the twenty-seventh with 159–163,
# the twenty-eighth with 164–168, the twenty-ninth with 169–173, the thirtieth with 174–178,
# the thirty-first with 179–183, the thirty-second with 184–188, the thirty-third with 189–193,
# the thirty-fourth with 194–198, the thirty-fifth with 199–203, the thirty-sixth with 204–208.
SETS = _named(
    HoldoutSet("holdout", "holdout_qa.jsonl", 8, "holdout-index"),
    *(
        HoldoutSet(f"holdout{n}", f"holdout{n}_qa.jsonl", 3 + 5 * n, f"holdout{n}-index")
        for n in range(2, 13)
    ),
    HoldoutSet("holdout13", "holdout13_qa.jsonl", 83, "holdout13-index"),
    HoldoutSet("holdout14", "holdout14_qa.jsonl", 88, "holdout14-index"),
    HoldoutSet("holdout15", "holdout15_qa.jsonl", 93, "holdout15-index"),
    HoldoutSet("holdout16", "holdout16_qa.jsonl", 98, "holdout16-index"),
    HoldoutSet("holdout17", "holdout17_qa.jsonl", 103, "holdout17-index"),
    HoldoutSet("holdout18", "holdout18_qa.jsonl", 108, "holdout18-index"),
    HoldoutSet("holdout19", "holdout19_qa.jsonl", 113, "holdout19-index"),
    HoldoutSet("holdout20", "holdout20_qa.jsonl", 118, "holdout20-index"),
    HoldoutSet("holdout21", "holdout21_qa.jsonl", 133, "holdout21-index"),
    HoldoutSet("holdout22", "holdout22_qa.jsonl", 138, "holdout22-index"),
    HoldoutSet("holdout23", "holdout23_qa.jsonl", 143, "holdout23-index"),
    HoldoutSet("holdout24", "holdout24_qa.jsonl", 148, "holdout24-index"),
    HoldoutSet("holdout25", "holdout25_qa.jsonl", 153, "holdout25-index"),
    HoldoutSet("holdout26", "holdout26_qa.jsonl", 158, "holdout26-index"),
    HoldoutSet("holdout27", "holdout27_qa.jsonl", 163, "holdout27-index"),
    HoldoutSet("holdout28", "holdout28_qa.jsonl", 168, "holdout28-index"),
    HoldoutSet("holdout29", "holdout29_qa.jsonl", 173, "holdout29-index"),
    HoldoutSet("holdout30", "holdout30_qa.jsonl", 178, "holdout30-index"),
    HoldoutSet("holdout31", "holdout31_qa.jsonl", 183, "holdout31-index"),
    HoldoutSet("holdout32", "holdout32_qa.jsonl", 188, "holdout32-index"),
    HoldoutSet("holdout33", "holdout33_qa.jsonl", 193, "holdout33-index"),
    HoldoutSet("holdout34", "holdout34_qa.jsonl", 198, "holdout34-index"),
    HoldoutSet("holdout35", "holdout35_qa.jsonl", 203, "holdout35-index"),
    HoldoutSet("holdout36", "holdout36_qa.jsonl", 208, "holdout36-index"),
    HoldoutSet("probe", "refusal_probe_qa.jsonl", 18, "holdout3-index"),
)
# Question sets written the same way over laws 64–78 and 119–128, for fitting the learned models only: never
# reported as holdouts, so the newest holdout set stays the one nobody has fitted on.
TRAINING = _named(
    *(HoldoutSet(f"train{k}", f"train{k}_qa.jsonl", 63 + 5 * k, f"train{k}-index") for k in (1, 2, 3)),
    HoldoutSet("train4", "train4_qa.jsonl", 123, "train4-index"),
    HoldoutSet("train5", "train5_qa.jsonl", 128, "train5-index"),
)


@contextmanager
def swapped_lexicon(text: str) -> Iterator[None]:
    """The assistant reads the lexicon ``text`` instead of its own while inside; restored after."""
    from assistant import lexicon  # the one table every reader of the lexicon shares
    from assistant.word_tables import load_lexicon

    kept = dict(lexicon.SYNONYMS)

    def refill(rows: dict[str, tuple[str, ...]]) -> None:
        lexicon.SYNONYMS.clear()
        lexicon.SYNONYMS.update(rows)
        for name in dir(lexicon):  # cached expansions were computed from the other table
            clear = getattr(getattr(lexicon, name), "cache_clear", None)
            if clear is not None:
                clear()

    refill(load_lexicon(text, "lexicon.tsv (swapped)"))
    try:
        yield
    finally:
        refill(kept)


def lexicon_at(rev: str) -> str:
    """``assistant/data/lexicon.tsv`` at git revision ``rev``."""
    return subprocess.run(
        ["git", "show", f"{rev}:assistant/data/lexicon.tsv"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def ensure_index(root: Path, spec: HoldoutSet) -> Path:
    """``root/<index>``, built from the corpus and the set's laws when it does not exist yet."""
    index = root / spec.index
    if (index / "catalog.sqlite").exists():
        return index
    laws = dict(list(load_laws().items())[: spec.laws])
    docs = root / spec.index.replace("-index", "-docs")
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in read_holdout_docs(SHARED, laws).items():
        (docs / name).write_text(text, encoding="utf-8")
    common.log(f"building {index} (../shared/corpus + {len(laws)} laws) …")
    common.ingest(index, SHARED / "corpus", docs)
    return index


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--indexes", type=Path, required=True, help="folder of the holdout indexes (built if missing)"
    )
    p.add_argument("--sets", default=",".join(SETS), help=f"comma-separated (default {','.join(SETS)})")
    p.add_argument("--out", type=Path, help="where the answers go (default: a temporary folder)")
    p.add_argument("--lexicon-at", metavar="REV", help="ask with the lexicon as it was at git revision REV")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        p.error(f"unknown set(s): {', '.join(unknown)}; known: {', '.join(SETS)}")
    if args.lexicon_at:
        with swapped_lexicon(lexicon_at(args.lexicon_at)):
            return _report(args, names)
    return _report(args, names)


def _report(args: argparse.Namespace, names: list[str]) -> int:
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="holdout-report-") as tmp:
        work = Path(tmp)
        out = args.out or work / "out"
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            spec = SETS[name]
            gold = load_gold(DATA / spec.gold)
            index = _copy(ensure_index(args.indexes, spec), work / name)
            preds = answer_set(name, index, gold, out, common.log)
            tables[name] = type_rows(gold, score(gold, preds), preds)
        print("## Holdout sets side by side (all questions)\n")
        print(side_by_side(tables))
        for name, rows in tables.items():
            print(f"\n## {name}: by question type\n")
            print(markdown_table("type", rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
