"""An index folder in use by another process (索引正被使用): restore, uploads, unwritable targets.

* ``restore --force`` is refused while another process has the knowledge base open (a web server
  would answer from deleted files and fail its next upload with "readonly database"), and works once
  that process has closed it; a restore keeps every file's mode (the audit log stays 0600).
* A web upload while a command-line ingest holds the write lock is refused at once with a clear
  message, and nothing is left in the uploads folder for a later re-index to pick up.
* ``backup`` and ``export`` to a path that cannot be written say so in one line, exit code 2.

Other processes are real ones (``subprocess``) holding a real knowledge base or the real lock.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli import main
from index.audit import audit_log
from index.knowledge_base import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "water.txt": "关于加强农村供水保障的通知\n\n一、总体要求\n\n到2025年，农村自来水普及率达到88%。\n",
    "farmland.md": "# 高标准农田建设规划\n\n## 目标\n\n到2030年累计建成12亿亩高标准农田。\n",
}

# A process that keeps a knowledge base open as a web server does, answering commands on stdin.
HOLD_KB = """
import sys
from pathlib import Path
from index.knowledge_base import KnowledgeBase
kb = KnowledgeBase(Path(sys.argv[1]))
print("open", flush=True)
for line in sys.stdin:
    if line.strip() == "count":
        print(kb.stats()["documents"], flush=True)
    elif line.strip() == "close":
        kb.close()
        print("closed", flush=True)
"""

HOLD_LOCK = (
    "import sys\nfrom pathlib import Path\nfrom index.lock import WriteLock\n"
    "WriteLock(Path(sys.argv[1])).acquire()\nprint('locked', flush=True)\nsys.stdin.readline()\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("in-use")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase(root / "index")
    assert kb.ingest([corpus]).ok
    kb.close()
    return root / "index"


@pytest.fixture()
def index(tmp_path: Path, template: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "index", ignore=shutil.ignore_patterns("write.lock")))


class Child:
    """A real second process running ``script`` on the index, talked to line by line."""

    def __init__(self, script: str, index: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, str(index)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )

    def say(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def first_line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            self.proc.communicate(timeout=30)


@pytest.fixture()
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.stop()


# --- restore while the folder is in use ------------------------------------------------------------------


@pytest.mark.slow  # a child process opens the knowledge base
def test_restore_refuses_a_folder_another_process_has_open_and_works_once_it_is_closed(
    tmp_path: Path, index: Path, children: list[Child], capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "kb.tar.gz"
    assert main(["backup", "--index", str(index), "--out", str(archive)]) == 0
    before = (index / "catalog.sqlite").stat().st_ino  # a restore writes a new file
    capsys.readouterr()

    server = Child(HOLD_KB, index)
    children.append(server)
    assert server.first_line() == "open"
    assert main(["restore", str(archive), "--index", str(index), "--force"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"错误：索引目录 {index} 正被进程 {server.proc.pid}（"), err
    assert err.endswith("请先停止网页服务（policy-assistant serve）及其他使用它的命令，再恢复"), err
    assert "\n" not in err and "Traceback" not in err
    assert (index / "catalog.sqlite").stat().st_ino == before  # nothing was replaced
    assert server.say("count") == "2"  # and the server still reads its own, live index
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index.")]  # no staging left

    assert server.say("close") == "closed"  # closed, not ended: the hold goes with the knowledge base
    assert main(["restore", str(archive), "--index", str(index), "--force"]) == 0
    assert (index / "catalog.sqlite").stat().st_ino != before
    reader = Child(HOLD_KB, index)
    children.append(reader)
    assert reader.first_line() == "open" and reader.say("count") == "2"


def test_a_knowledge_base_cannot_be_opened_while_a_restore_holds_the_folder(index: Path) -> None:
    from index.errors import IndexLocked
    from index.lock import exclusive_use

    with exclusive_use(index, "x"), pytest.raises(IndexLocked, match="正在从备份恢复"):
        KnowledgeBase(index)
    KnowledgeBase(index).close()  # and can be once it is done


def test_restore_keeps_every_files_mode(tmp_path: Path, index: Path) -> None:
    audit_log(index).record("cli:test", "ingest", ["water.txt"], "ok")
    (index / "catalog.sqlite").chmod(0o640)  # a SQLite file, archived from a snapshot copy
    index.chmod(0o750)
    modes = {
        p.relative_to(index).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in index.rglob("*")
        if p.is_file() and p.name not in ("write.lock", "in-use.lock") and not p.name.endswith("-wal")
    }
    assert modes["audit.jsonl"] == 0o600
    archive = tmp_path / "kb.tar.gz"
    assert main(["backup", "--index", str(index), "--out", str(archive)]) == 0
    assert main(["restore", str(archive), "--index", str(index), "--force"]) == 0
    restored = {
        name: stat.S_IMODE((index / name).stat().st_mode) for name in modes if (index / name).exists()
    }
    assert restored == {name: mode for name, mode in modes.items() if name in restored}
    assert {"audit.jsonl", "catalog.sqlite", "manifest.json"} <= restored.keys()
    assert stat.S_IMODE(index.stat().st_mode) == 0o750
    assert audit_log(index).entries()[-1]["action"] == "restore"  # appended, the mode unchanged
    assert stat.S_IMODE((index / "audit.jsonl").stat().st_mode) == 0o600


# --- web upload while the command line writes --------------------------------------------------------------


def test_an_upload_while_the_command_line_writes_is_refused_at_once_and_leaves_nothing_pending(
    tmp_path: Path, children: list[Child]
) -> None:
    from assistant.config import Settings
    from ui.service import BUSY, ServiceError, WebService

    index = tmp_path / "index"
    service = WebService(Settings(index_dir=index), tmp_path / "web")
    uploads = tmp_path / "web" / "uploads"
    first = tmp_path / "farmland.md"
    first.write_text(DOCS["farmland.md"], encoding="utf-8")
    assert service.upload([("farmland.md", first)]).report is not None
    assert service.filler.wait_idle(300)  # its vectors filled: the server holds no lock between writes
    before = (uploads / "farmland.md").read_bytes()
    try:
        ingest = Child(HOLD_LOCK, index)  # as `policy-assistant ingest` holds it
        children.append(ingest)
        assert ingest.first_line() == "locked"
        new = tmp_path / "water.txt"
        new.write_text(DOCS["water.txt"], encoding="utf-8")
        changed = tmp_path / "farmland-v2.md"
        changed.write_text(
            DOCS["farmland.md"] + "\n## 投入\n\n中央财政每亩补助标准逐步提高。\n", encoding="utf-8"
        )
        result = service.upload([("water.txt", new), ("farmland.md", changed)], user="alice")
        assert result.report is None
        assert result.rejected == (("water.txt", BUSY), ("farmland.md", BUSY))
        assert "未接受：water.txt（索引正被另一个进程写入（命令行导入？），请稍后再上传）" in result.summary()
        # Nothing pending: the new file is gone, the replaced one is back, nothing hidden is left.
        assert sorted(p.name for p in uploads.iterdir()) == ["farmland.md"]
        assert (uploads / "farmland.md").read_bytes() == before
        last = audit_log(index).entries()[-1]
        assert (last["user"], last["action"], last["result"]) == ("alice", "upload", "busy")
        assert last["documents"] == ["water.txt", "farmland.md"] and "正被另一个进程写入" in last["reason"]
        # Delete and re-index say the same in words, audit "busy" and change nothing.
        with pytest.raises(ServiceError, match=r"正被另一个进程写入.*请稍后再删除"):
            service.delete("farmland.md", user="alice")
        with pytest.raises(ServiceError, match=r"正被另一个进程写入.*请稍后再重新索引"):
            service.reindex(user="alice")
        assert [(e["action"], e["result"]) for e in audit_log(index).entries()[-2:]] == [
            ("delete", "busy"),
            ("reindex", "busy"),
        ]
        assert (uploads / "farmland.md").read_bytes() == before
    finally:
        ingest.stop()
    report = service.reindex()  # the lock is free: a re-index finds nothing new
    assert (report.added, report.updated, report.unchanged) == ((), (), ("farmland.md",))
    assert [d.source for d in service.documents()] == ["farmland.md"]
    service.close()


# --- backup and export to a path that cannot be written ------------------------------------------------------


def _unwritable(tmp_path: Path, where: str) -> Path:
    if where == "under-a-file":
        (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
        return tmp_path / "notes.txt" / "out"
    if where == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder; the case below covers root")
        folder = tmp_path / "ro"
        folder.mkdir(mode=0o555)
        return folder / "out"
    return Path("/proc/policy-assistant-test/out")  # a file system that creates nothing, even for root


@pytest.mark.parametrize("where", ["under-a-file", "read-only", "cannot-create"])
@pytest.mark.parametrize("command", ["backup", "export"])
def test_backup_and_export_to_an_unwritable_path_say_so_in_one_line(
    tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str], command: str, where: str
) -> None:
    out = _unwritable(tmp_path, where)
    target = out / "kb.tar.gz" if command == "backup" else out
    assert main([command, "--index", str(index), "--out", str(target)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：无法写入") and str(target) in lines[0], captured.err
    assert not captured.out
    assert not list(tmp_path.rglob("*.partial"))


def test_backup_onto_a_folder_asks_for_a_file_name(
    tmp_path: Path, index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "--index", str(index), "--out", str(tmp_path)]) == 2
    assert "这是一个目录，请给出文件名" in capsys.readouterr().err
