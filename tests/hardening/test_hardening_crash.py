"""Crash safety (崩溃安全): a real ``ingest`` process killed at every stage leaves a usable index.

One corpus of six small documents and one index go through a chain of killed ingests: first at each
named crash point (``POLICY_ASSISTANT_CRASH_AT``, see :mod:`index.faults`; the process ends with
``os._exit(137)``, as under SIGKILL), then twice with a real SIGKILL at a random moment of the write.
Between steps some documents change, so every run has work to do. After each kill:

* the raw index (opened without recovery) shows what the crash left, for the record;
* a copy of it opens (the open finishes the interrupted write), the doctor finds nothing, the
  counts of catalog, Chroma, keyword index and manifest agree, and a question is answered;
* the next ingest runs on the crashed index itself and resumes from it;
* every document in the index is recorded as added in the audit log, those the killed ingest
  committed by the entry the next writer adds for it (``result: interrupted``, see
  :func:`index.audit.record_interrupted`).

Checks run on copies so that this process never holds a Chroma client on a folder that a child
process writes (Chroma caches one client per path).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from index import doctor
from index.audit import audit_log
from index.faults import LABELS
from index.knowledge_base import KnowledgeBase
from index.manifest import read_manifest

REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "law.txt": "标题: 乡村振兴促进办法\n发文机关: 某省人民政府\n日期: 2024-05-31\n---\n乡村振兴促进办法\n\n第一章 总则\n\n"
    "第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、农民全面发展，制定本办法。\n\n"
    "第二条 本办法适用于本省行政区域内的乡村振兴促进工作。\n\n第二章 产业发展\n\n"
    "第三条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。\n",
    "water.txt": "关于加强农村供水保障的通知\n\n一、总体要求\n\n到2025年，农村自来水普及率达到88%。"
    "各地要健全农村供水工程运行管理机制。\n\n二、主要任务\n\n（一）推进城乡供水一体化。\n\n（二）加强水源保护和水质检测。\n",
    "farmland.md": "# 高标准农田建设规划\n\n## 目标\n\n到2030年累计建成12亿亩高标准农田。\n\n## 投入\n\n"
    "中央财政每亩补助标准逐步提高，地方按规定落实配套资金。\n",
    "grain.txt": "关于做好春耕生产确保粮食安全的意见\n\n一、确保国家粮食安全\n\n（一）抓好粮食生产。"
    "扎实推进新一轮千亿斤粮食产能提升行动，稳定粮食播种面积。\n\n（二）严格落实耕地保护制度。"
    "健全耕地数量、质量、生态“三位一体”保护制度体系。\n",
    "homestead.md": "# 宅基地管理办法\n\n## 申请条件\n\n农村村民一户只能拥有一处宅基地，面积不得超过本省规定的标准。\n",
    "poverty.txt": "关于巩固拓展脱贫攻坚成果的意见\n\n一、落实防止返贫监测帮扶机制\n\n对存在返贫致贫风险的农户，"
    "及时纳入监测范围，确保两不愁三保障。过渡期内保持主要帮扶政策总体稳定。\n",
}
QUESTION = "农村自来水普及率要达到多少？"


def cli(*args: str, crash_at: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(Path(args[-1]).parent / "home")}
    env.pop("POLICY_ASSISTANT_CRASH_AT", None)
    if crash_at:
        env["POLICY_ASSISTANT_CRASH_AT"] = crash_at
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("policy-assistant")), *args],  # the installed command
        cwd=Path(args[-1]).parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ingest(corpus: Path, index: Path, crash_at: str | None = None) -> tuple[int, str]:
    proc = cli("ingest", str(corpus), "--quiet", "--wait", "--index", str(index), crash_at=crash_at)
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out + err


def ingest_killed_at_random(corpus: Path, index: Path, rng: random.Random) -> float:
    """Start an ingest, wait until it holds the write lock, then SIGKILL it a random moment later."""
    proc = cli("ingest", str(corpus), "--quiet", "--wait", "--index", str(index))
    lock = index / "write.lock"
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.stat().st_size > 0 and _holder(lock) == proc.pid):
        assert proc.poll() is None, "ingest ended before it started writing"
        assert time.monotonic() < deadline, "ingest never took the write lock"
        time.sleep(0.01)
    delay = rng.uniform(0.0, 1.5)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return delay


def _holder(lock: Path) -> int | None:
    import json

    try:
        return int(json.loads(lock.read_text(encoding="utf-8"))["pid"])
    except (ValueError, KeyError, OSError):
        return None


class Checker:
    """Opens copies of the crashed index and checks them; each copy gets a new path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def raw_problems(self, index: Path) -> set[str]:
        """What the crash left, seen without the recovery that opening normally runs."""
        copy = self._copy(index)
        kb = KnowledgeBase(copy, check_manifest=False)
        try:
            return {p.code for p in doctor.check(kb).problems}
        finally:
            kb.close()

    def healthy(
        self,
        index: Path,
        expect_docs: set[str] | None = None,
        interrupted: dict[str, list[str]] | None = None,
    ) -> dict[str, int]:
        copy = self._copy(index)
        kb = KnowledgeBase(copy)  # recovery on open
        try:
            audited(copy, {d.source for d in kb.documents()}, interrupted)
            health = doctor.check(kb)
            assert health.ok, health.summary()
            stats = kb.stats()
            manifest = read_manifest(copy)
            assert manifest is not None
            assert stats["chunks"] == stats["vectors"] == stats["keyword"] == manifest.chunks == health.chunks
            assert stats["documents"] == manifest.documents == health.documents
            sources = {d.source for d in kb.documents()}
            if expect_docs is not None:
                assert sources == expect_docs
            answer = Assistant(Settings(index_dir=copy), kb).ask(QUESTION)
            if "water.txt" in sources:
                assert answer.found and "88%" in answer.answer, answer.answer
                assert answer.citations and answer.citations[0].source == "water.txt"
            else:
                assert not answer.found or all(c.source in sources for c in answer.citations)
            return stats
        finally:
            kb.close()

    def _copy(self, index: Path) -> Path:
        self.n += 1
        copy = self.root / f"copy{self.n}" / "index"
        # The lock file is copied too: its content is how an open knows the writer was killed.
        shutil.copytree(index, copy)
        return copy


def audited(index: Path, sources: set[str], interrupted: dict[str, list[str]] | None) -> None:
    """Every document is recorded as added; the last entry, if given, is the killed writer's."""
    entries = audit_log(index).entries()
    added = {name for e in entries if e["action"] == "ingest" for name in e.get("added", ())}
    assert sources <= added, f"never recorded as added: {sorted(sources - added)}"
    if interrupted is not None:
        last = entries[-1]
        assert last["result"] == "interrupted" and last["recovered"] is True, last
        assert {"added": last["added"], "updated": last["updated"]} == interrupted, last
        assert last["documents"] == sorted(interrupted["added"] + interrupted["updated"])
        assert "policy-assistant ingest" in last["writer"]["cmd"] and last["user"].startswith("cli:")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def checker(tmp_path: Path) -> Iterator[Checker]:
    yield Checker(tmp_path / "checks")


def touch(corpus: Path, name: str, sentence: str) -> None:
    path = corpus / name
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def test_crash_points_are_the_ones_the_knowledge_base_passes() -> None:
    source = "".join(
        (REPO / "index" / name).read_text(encoding="utf-8") for name in ("knowledge_base.py", "ingest.py")
    )
    for label in LABELS:
        assert f'crash_point("{label}")' in source, label


@pytest.mark.slow  # kills ingest subprocesses at every stage
def test_ingest_killed_at_every_stage_leaves_a_healthy_index_and_resumes(
    tmp_path: Path, corpus: Path, checker: Checker
) -> None:
    index = tmp_path / "index"
    timings: dict[str, float] = {}
    everything = set(DOCS)

    def step(
        label: str, crash_at: str, expect: set[str] | None, added: list[str], updated: list[str]
    ) -> None:
        t0 = time.perf_counter()
        code, output = ingest(corpus, index, crash_at)
        assert code == 137, f"{crash_at}: exit {code}\n{output}"
        raw = checker.raw_problems(index)
        assert raw, f"{crash_at}: the crash left nothing to recover; the crash point is in the wrong place"
        checker.healthy(index, expect, {"added": added, "updated": updated})
        timings[f"{label} (left: {', '.join(sorted(raw))})"] = time.perf_counter() - t0

    # Files are ingested in name order: farmland.md, grain.txt, homestead.md, law.txt, poverty.txt, water.txt.
    # The audit entry for a killed ingest lists what it committed (grain: vectors only, not committed).
    # After a crash the open-time recovery runs _finish first: ":2" kills the ingest's own _finish.
    step("after-upsert:2", "after-upsert:2", {"farmland.md"}, ["farmland.md"], [])
    step(
        "after-commit:2",
        "after-commit:2",
        {"farmland.md", "grain.txt", "homestead.md"},
        ["grain.txt", "homestead.md"],
        [],
    )
    step("before-finish", "before-finish", everything, ["law.txt", "poverty.txt", "water.txt"], [])
    touch(corpus, "law.txt", "第四条 本办法自发布之日起施行。")  # an update: stale vectors to drop
    step("after-bm25:2", "after-bm25:2", everything, [], ["law.txt"])
    touch(corpus, "grain.txt", "（三）加强农业防灾减灾能力建设。")
    step("before-manifest:2", "before-manifest:2", everything, [], ["grain.txt"])
    touch(corpus, "water.txt", "（三）完善农村供水水价形成机制。")
    step("after-commit:1 (update)", "after-commit:1", everything, [], ["water.txt"])

    rng = random.Random(20240531)
    for n in range(2):
        touch(corpus, "poverty.txt", f"第{n + 5}条 各地应当按年度报告帮扶工作进展。")
        (corpus / f"new{n}.txt").write_text(
            f"关于第{n}批示范县的通知\n\n一、示范县名单由省农业农村厅公布。\n", "utf-8"
        )
        t0 = time.perf_counter()
        delay = ingest_killed_at_random(corpus, index, rng)
        checker.healthy(index)
        timings[f"SIGKILL after {delay:.2f}s"] = time.perf_counter() - t0

    code, output = ingest(corpus, index)
    assert code == 0, output
    final = checker.healthy(index, everything | {"new0.txt", "new1.txt"})
    code, output = ingest(corpus, index)
    assert code == 0 and "新嵌入 0 块" in output and "未变 8" in output, output
    assert final["documents"] == 8
    print("\n".join(f"{k}: {v:.1f}s" for k, v in timings.items()))
