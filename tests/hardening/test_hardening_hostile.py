"""Hostile files (恶意文件): each ends in a document or a clear per-file error, quickly.

No wall-clock limits: "before parsing" and "without reading" are checked by spying on the parser and
the reader, and "linear time" by how CPU time grows when the input grows eightfold (a quadratic step
makes it grow ~64 times; other processes sharing the cores change CPU time much less than wall time).

Named cases: a DOCX "billion laughs" (plain, hidden behind a 70 KB comment, UTF-16), a zip bomb, a
50 MB single-line text (refused at the default limit; loaded and chunked in linear time and bounded
memory with a raised one), 10,000 nested ``<div>``, a PDF without a text layer, and upload names
with path separators or ``..``. Then a folder holding all of them is ingested by the real command.
"""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from document_builders import make_pdf
from hardening_files import (
    LAW,
    billion_laughs_docx,
    docx_with_part,
    fifty_mb_line,
    laughs_part,
    nested_html,
    write_hostile_folder,
    zip_bomb_docx,
)

from corpus.chunker import chunk_document
from corpus.errors import CorpusError, CorruptFile, FileTooLarge
from corpus.loaders import DEFAULT_MAX_BYTES, load_file
from corpus.tokenize import default_tokenizer
from corpus.types import SourceDoc

REPO = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).with_name("policy-assistant"))  # the installed command


def load(tmp_path: Path, name: str, data: bytes, **kwargs: int) -> SourceDoc:
    path = tmp_path / name
    path.write_bytes(data)
    return load_file(path, **kwargs)


def spy(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[object]:
    """Record every call of ``owner.name`` (which still runs) in the returned list."""
    calls: list[object] = []
    real = getattr(owner, name)

    def recorded(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls


def cpu_growth(make: Callable[[int], Callable[[], object]], n: int) -> float:
    """How many times more CPU time ``make(8 * n)()`` takes than ``make(n)()`` (best of two each)."""

    def best(run: Callable[[], object]) -> float:
        gc.disable()
        try:
            times = []
            for _ in range(2):
                t0 = time.thread_time()
                run()
                times.append(time.thread_time() - t0)
            return min(times)
        finally:
            gc.enable()

    small, big = make(n), make(8 * n)
    return best(big) / max(best(small), 1e-3)


LINEAR = 24  # growth for 8x the input: ~8 when linear, ~64 when quadratic


# --- DOCX XML bomb and zip bomb -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        ({}, r"XML 中声明了 DOCTYPE/ENTITY（word/document.xml）"),
        # The DOCTYPE pushed past the 64 KB head by a comment: the head alone would have missed it.
        ({"hide_after_comment": True}, r"根元素前有超过 64 KB 的注释或声明"),
        # UTF-16 bytes hide "<!DOCTYPE" from a byte scan; the head is decoded first.
        ({"utf16": True}, r"XML 中声明了 DOCTYPE/ENTITY"),
    ],
)
def test_docx_billion_laughs_is_refused_before_parsing(
    tmp_path: Path, variant: dict[str, bool], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docx

    data = billion_laughs_docx(**variant)  # built with python-docx: before the spy
    parsed = spy(monkeypatch, docx, "Document")
    with pytest.raises(CorruptFile, match=r"^laughs\.docx: .*" + message):
        load(tmp_path, "laughs.docx", data)
    assert parsed == []  # python-docx (lxml) never saw the entities


@pytest.mark.parametrize(
    ("part", "encoding"),
    [
        ("word/evil.XML", "utf-8"),  # part names are case-insensitive: Word and python-docx read it as XML
        ("word/evil.Xml", "utf-8"),
        ("word/_rels/evil.xml.RELS", "utf-8"),
        ("customXml/item1.bin", "utf-8"),  # the content type, not the name, makes a part XML
        ("word/evil.xml", "utf-16-le"),  # no byte-order mark: a parser still reads "<\0" as UTF-16
        ("word/evil.xml", "utf-16-be"),
        ("word/evil.xml", "utf-32-le"),
        ("word/document.xml", "utf-32-be"),
        ("[Content_Types].xml", "utf-8"),
    ],
)
def test_docx_entity_declarations_are_found_whatever_the_part_name_or_encoding(
    tmp_path: Path, part: str, encoding: str
) -> None:
    data = docx_with_part(part, laughs_part(encoding))
    with pytest.raises(
        CorruptFile, match=r"^evil\.docx: XML 中声明了 DOCTYPE/ENTITY（" + re.escape(part) + "）"
    ):
        load(tmp_path, "evil.docx", data)


def test_docx_media_parts_are_not_taken_for_xml(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # binary media: never sniffed as markup
    doc = load(tmp_path, "pictures.docx", docx_with_part("word/media/image9.PNG", png))
    assert "第一条" in doc.text


def test_docx_zip_bomb_is_refused_from_the_declared_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zip_bomb_docx(inflated=210 * 1024 * 1024)
    assert len(data) < 1024 * 1024  # under 1 MB on disk, 210 MB inflated
    inflated = spy(monkeypatch, zipfile.ZipFile, "open")
    bomb = (
        r"^bomb\.docx: word/media/image1\.png 从 0\.\d MB 解压为 210\.0 MB（压缩比超过 200:1，疑似 zip 炸弹）"
    )
    with pytest.raises(CorruptFile, match=bomb):
        load(tmp_path, "bomb.docx", data)
    assert inflated == []  # refused from the directory: no member was decompressed
    # Many members of ordinary ratio count too: the total may not exceed 50 times the size limit.
    with pytest.raises(
        CorruptFile, match=r"^bomb\.docx: 解压后 210\.\d MB，超过上限 50\.0 MB（疑似 zip 炸弹）"
    ):
        load(tmp_path, "bomb.docx", data, max_bytes=1024 * 1024)


def test_docx_member_under_declaring_its_size_cannot_inflate_past_the_declaration(tmp_path: Path) -> None:
    """The size check trusts declared sizes; zipfile never returns more than declared (then fails the CRC)."""
    import io
    import zipfile

    data = bytearray(zip_bomb_docx(inflated=8 * 1024 * 1024))
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/media/image1.png"))
    if int.from_bytes(data[central + 24 : central + 28], "little") == 0xFFFFFFFF:
        zip64 = data.find(b"\x01\x00", central + 46 + len(b"word/media/image1.png"))
        data[zip64 + 4 : zip64 + 12] = (1024).to_bytes(8, "little")
    else:
        data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("word/media/image1.png").file_size == 1024
        with pytest.raises(zipfile.BadZipFile), archive.open("word/media/image1.png") as member:
            assert len(member.read()) <= 1024
    doc = load(tmp_path, "liar.docx", bytes(data))  # the member is never read: no memory spent on it
    assert "第一条" in doc.text


# --- 50 MB on one line ----------------------------------------------------------------------------------


def test_fifty_mb_single_line_is_refused_at_the_default_limit_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(fifty_mb_line())
    read = [spy(monkeypatch, Path, "read_bytes"), spy(monkeypatch, Path, "open")]
    with pytest.raises(
        FileTooLarge, match=r"^huge\.txt: 文件过大（52428800 字节，约 50\.0 MB），上限为 20971520"
    ):
        load_file(path)
    assert read == [[], []]  # refused from its size alone
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


FIFTY_MB = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    sys.path[:0] = sys.argv[2:]  # tests/hardening and tests/, as pytest sets them up
    from hardening_files import fifty_mb_line
    from corpus.chunker import chunk_document
    from corpus.loaders import load_file

    def peak_mb():
        # This process's own peak (VmHWM belongs to the image exec started); ru_maxrss on Linux also keeps
        # the peak of the forked copy of the test runner before exec, which grows with the suite.
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    path = Path(sys.argv[1])
    path.write_bytes(fifty_mb_line())
    t0 = time.perf_counter()
    doc = load_file(path, max_bytes=64 * 1024 * 1024)
    t1 = time.perf_counter()
    counted = 0
    def count(text):  # a cheap stand-in for jieba: what matters is how much text the chunker asks about
        global counted
        counted += len(text)
        return len(text) // 2
    chunks = chunk_document(doc, count)
    t2 = time.perf_counter()
    exact = all(doc.text[c.start:c.end] == c.text for c in chunks[:: max(1, len(chunks) // 1000)])
    print(json.dumps({"chars": len(doc.text), "load": t1 - t0, "chunk": t2 - t1, "chunks": len(chunks),
                      "counted": counted, "exact": exact,
                      "maxrss_mb": peak_mb()}))
    """
)


@pytest.mark.slow  # a 50 MB file in a subprocess
def test_fifty_mb_single_line_with_a_raised_limit_loads_and_chunks_in_linear_time(tmp_path: Path) -> None:
    """Before the fixes: printable-ratio check 31 s, sentence splitting 35 s (per-character Python loops)."""
    out = subprocess.run(
        [sys.executable, "-c", FIFTY_MB, str(tmp_path / "huge.txt"), *map(str, Path(__file__).parents[:2])],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    stats = json.loads(out.stdout)
    assert stats["chars"] > 17_000_000 and stats["exact"]
    assert stats["counted"] <= 1.05 * stats["chars"]  # every character is counted about once
    assert stats["load"] < 10, stats
    assert stats["chunk"] < 90, stats
    assert stats["maxrss_mb"] < 1500, stats


def _one_line(n: int, unit: str) -> SourceDoc:
    text = (unit * (n // len(unit) + 1))[:n]
    return SourceDoc(source="line.txt", path="line.txt", fmt="txt", text=text)


@pytest.mark.parametrize(
    "unit",
    [
        "乡村振兴促进农业全面升级农村全面进步农民全面发展",  # one endless sentence, no comma
        "，",  # nothing but commas: each was a cut, and each cut re-counted the growing piece
        "带动农民增收，",
        "abcdefghij",  # one huge ASCII word
    ],
)
def test_an_over_long_sentence_is_counted_once_per_character(unit: str) -> None:
    counted = 0

    def count(text: str) -> int:
        nonlocal counted
        counted += len(text)
        return len(re.findall(r"\w{1,2}|[^\w\s]", text))

    doc = _one_line(400_000, unit)
    chunks = chunk_document(doc, count)
    assert counted <= 2.1 * len(doc.text)  # was ~80x for "，" (quadratic in commas per piece)
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and max(c.end for c in chunks) == len(doc.text)


def test_an_over_long_sentence_never_reaches_jieba_whole() -> None:
    tokenizer = default_tokenizer()
    longest = 0

    def count(text: str) -> int:
        nonlocal longest
        longest = max(longest, len(text))
        return tokenizer.count(text)

    doc = _one_line(60_000, "乡村振兴促进农业全面升级农村全面进步农民全面发展")
    chunks = chunk_document(doc, count)
    assert longest <= 4000  # jieba builds a DAG of its whole input: 50 MB at once would need gigabytes
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)


def test_many_boilerplate_lines_chunk_in_linear_time(tmp_path: Path) -> None:
    """Was quadratic (every line and sentence scanned every skipped range): 400 KB took 634 s."""

    def page(lines: int) -> Callable[[], object]:
        path = tmp_path / f"page-{lines}.txt"
        path.write_bytes(("责任编辑：张三\n第一条 本办法适用于全省。\n" * lines).encode())
        return lambda: chunk_document(load_file(path), lambda text: len(text) // 2)

    assert cpu_growth(page, 1_000) < LINEAR
    doc = load_file(tmp_path / "page-8000.txt")
    chunks = chunk_document(doc, lambda text: len(text) // 2)
    assert len(doc.skip) == 8_000
    assert chunks and all("责任编辑" not in c.text for c in chunks)


# --- HTML nesting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [10_000, pytest.param(100_000, marks=pytest.mark.slow)])
def test_deeply_nested_html_is_read_without_recursion(tmp_path: Path, depth: int) -> None:
    try:
        doc = load(tmp_path, "deep.html", nested_html(depth))
    except CorpusError as exc:
        assert str(exc).startswith("deep.html: ")
    else:
        assert doc.text == "第一条 深层嵌套的正文。"


def test_deeply_nested_html_is_read_in_linear_time(tmp_path: Path) -> None:
    """10,000 nested <div> took 47 s (bs4 insert_before/after on every block); now one walk."""

    def page(depth: int) -> Callable[[], object]:
        path = tmp_path / f"deep-{depth}.html"
        path.write_bytes(nested_html(depth))
        return lambda: load_file(path)

    assert cpu_growth(page, 2_000) < LINEAR


def test_unclosed_nesting_and_tables_in_cells(tmp_path: Path) -> None:
    markup = "<html><body>" + "<table><tr><td>" * 2000 + "正文内容。" + "<div>" * 5000
    doc = load(tmp_path, "open.html", markup.encode())
    assert doc.text == "正文内容。"


# --- PDF without a text layer ----------------------------------------------------------------------------


def test_scanned_pdf_says_it_needs_ocr(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile, match=r"^scan\.pdf: 没有文本层（扫描件），需要先做 OCR"):
        load(tmp_path, "scan.pdf", make_pdf([[], []]))


def test_pdf_with_text_on_one_page_only_is_loaded(tmp_path: Path) -> None:
    doc = load(tmp_path, "mixed.pdf", make_pdf([[], ["Article 1 applies."]]))
    assert "Article 1 applies." in doc.text


# --- upload names ------------------------------------------------------------------------------------------


class FakeAssistant:
    """The web service's assistant, reduced to recording which files it was asked to ingest."""

    def __init__(self) -> None:
        self.ingested: list[Path] = []
        self.kb = self  # the service ingests through the knowledge base (with a cancel token)

    def ingest(
        self,
        paths: list[Path],
        progress: object = None,
        cancel: object = None,
        step: object = None,
        wait: bool = True,
    ) -> object:
        from index.knowledge_base import IngestReport

        self.ingested.extend(paths)
        return IngestReport(added=tuple(p.name for p in paths))

    def documents(self) -> list[object]:
        return []  # nothing stored: no upload is a duplicate

    def duplicate_of(self, path: Path, name: str) -> None:
        return None

    def pending_vectors(self) -> int:
        return 0  # nothing stored, nothing for the background filler to do

    def pending_sentences(self) -> int:
        return 0

    def embed_one_batch(self, batch_size: int | None = None) -> int:
        return 0

    def close(self) -> None:
        pass


def _service(tmp_path: Path) -> tuple[object, FakeAssistant]:
    from assistant.config import Settings
    from ui.service import WebService

    fake = FakeAssistant()
    return WebService(Settings(index_dir=tmp_path / "index"), tmp_path / "web", assistant=fake), fake  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("original", "stored"),
    [
        ("../../evil.txt", "evil.txt"),
        ("a/b/../c.txt", "c.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("x.txt/", "x.txt"),
        ("..", None),
        (".", None),
        ("", None),
        ("  .txt", None),
        (".hidden.txt", None),
        ("..\\..\\evil.txt", "evil.txt"),  # a Windows path: only the last part is kept
    ],
)
def test_upload_names_cannot_leave_the_upload_folder(
    tmp_path: Path, original: str, stored: str | None
) -> None:
    service, fake = _service(tmp_path)
    tmp = tmp_path / "upload.tmp"
    tmp.write_text(LAW, encoding="utf-8")
    result = service.upload([(original, tmp)])  # type: ignore[attr-defined]
    uploads = tmp_path / "web" / "uploads"
    if stored is None:
        assert result.report is None and len(result.rejected) == 1
        assert fake.ingested == []
    else:
        assert result.rejected == () and fake.ingested == [uploads / stored]
    assert {p.name for p in uploads.iterdir()} == ({stored} if stored else set())
    # "../../evil.txt" from web/uploads would be tmp_path/evil.txt: nothing of that kind anywhere else.
    planted = [p for p in tmp_path.rglob("*") if p.suffix == ".txt" and p.parent != uploads]
    assert planted == [], planted


@pytest.mark.parametrize("original", ["a\x00b.txt", "长" * 100 + ".txt", "第一\n行.txt"])
def test_upload_names_the_filesystem_cannot_store_are_rejected_not_raised(
    tmp_path: Path, original: str
) -> None:
    service, _ = _service(tmp_path)
    tmp = tmp_path / "upload.tmp"
    tmp.write_text(LAW, encoding="utf-8")
    result = service.upload([(original, tmp)])  # type: ignore[attr-defined]
    assert result.report is None and len(result.rejected) == 1


# --- a folder of everything, through the real command ------------------------------------------------


@pytest.mark.slow  # the real command in a subprocess, embedding included
def test_ingest_of_a_hostile_folder_reports_each_file_keeps_the_good_ones_and_stays_healthy(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "inbox"
    expected = write_hostile_folder(folder)
    index = tmp_path / "index"
    env_home = {"POLICY_ASSISTANT_HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [CLI, "ingest", str(folder), "--quiet", "--index", str(index)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**_env(), **env_home},
    )
    assert run.returncode == 1, run.stderr
    failures = [line.removeprefix("失败: ") for line in run.stderr.splitlines() if line.startswith("失败: ")]
    by_name = {line.split(":", 1)[0]: line for line in failures}
    assert sorted(by_name) == sorted(expected), run.stderr
    for name, phrase in expected.items():
        assert phrase in by_name[name], by_name[name]
    assert "新增 6，更新 0，未变 0，失败 11" in run.stdout, run.stdout

    doctor = subprocess.run(
        [CLI, "doctor", "--index", str(index)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**_env(), **env_home},
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "目录：6 个文件" in doctor.stdout and "结论：健康" in doctor.stdout


def _env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "POLICY_ASSISTANT_CRASH_AT"}
    return env  # the package is installed (editable); no PYTHONPATH, no repo-root egg-info


def test_windows_upload_paths_keep_only_the_file_name() -> None:
    from ui.upload_checks import upload_name

    assert upload_name("C:\\Users\\x\\通知.txt") == "通知.txt"
    assert upload_name("../../etc/passwd.txt") == "passwd.txt"
    assert upload_name("a\x00b.txt") == ""


# --- control characters in file names (command line) ------------------------------------------------


def test_control_characters_in_names_are_refused_by_ingest_and_escaped_by_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main
    from corpus.types import DocMeta
    from index.knowledge_base import KnowledgeBase

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = {
        "\x1b[31mred.txt": "\\x1b[31mred.txt: 文件名含控制字符（\\x1b）",
        "a\nb.txt": "a\\nb.txt: 文件名含控制字符（\\n）",
        "bell\x07.txt": "bell\\x07.txt: 文件名含控制字符（\\x07）",
        "report\u202etxt.exe.md": "report\\u202etxt.exe.md: 文件名含控制字符（\\u202e）",
    }
    for name in [*bad, "law.txt"]:
        (inbox / name).write_text(LAW, encoding="utf-8")
    index = tmp_path / "index"
    code = main(
        ["ingest", *(str(inbox / name) for name in [*bad, "law.txt"]), "--quiet", "--index", str(index)]
    )
    out = capsys.readouterr()
    assert code == 1
    assert "新增 1，更新 0，未变 0，失败 4" in out.out
    for line in bad.values():
        assert f"失败: {line}，请改名后再导入" in out.err.splitlines(), out.err
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", out.out + out.err)

    # A name stored before the rule (or by another program) is still shown escaped, never raw.
    kb = KnowledgeBase(index)
    try:
        kb.add_documents(
            [SourceDoc("\x1b[2Jold.txt", "old.txt", "txt", LAW, DocMeta(title="\x1b]0;pwned\x07标题"))]
        )
    finally:
        kb.close()
    assert main(["list", "--index", str(index)]) == 0
    out = capsys.readouterr()
    assert "\\x1b[2Jold.txt  《\\x1b]0;pwned\\x07标题》" in out.out and "law.txt" in out.out
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out.out + out.err)
