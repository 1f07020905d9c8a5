"""Tests for corpus.loaders (文档加载): every format, every failure, and the shared corpus."""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from document_builders import document_xml, docx_bytes, make_pdf, rewrite_zip
from pypdf import PdfReader, PdfWriter

from corpus import loaders
from corpus.errors import (
    CorpusError,
    CorruptFile,
    DecodeFailure,
    EmptyDocument,
    FileTooLarge,
    UnsupportedFormat,
)
from corpus.loaders import iter_files, load_file, load_paths

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def content(doc: loaders.SourceDoc) -> str:
    """The text that will be indexed: everything outside ``skip``."""
    kept, pos = [], 0
    for start, end in doc.skip:
        kept.append(doc.text[pos:start])
        pos = end
    return "".join([*kept, doc.text[pos:]])


NOTICE_DOCX = (
    "关于做好乡村振兴工作的通知",
    "国办发〔2021〕9号",
    "各省、自治区、直辖市人民政府：现将有关事项通知如下。",
    [("项目", "金额", "备注"), ("道路", "100万元", "")],
    "国务院办公厅　2021年3月1日",
)


def make_docx(path: Path) -> Path:
    path.write_bytes(docx_bytes(NOTICE_DOCX))
    return path


# --- plain text ---------------------------------------------------------------------------------


def test_gbk_text_file(tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_bytes("关于春耕的通知\r\n粤府办[2020]5号\r\n各地要抓好春耕生产。\r\n".encode("gbk"))
    doc = load_file(path)
    assert doc.text == "关于春耕的通知\n粤府办[2020]5号\n各地要抓好春耕生产。\n"
    assert (doc.source, doc.fmt, doc.path) == ("通知.txt", "txt", str(path))
    assert doc.meta.title == "关于春耕的通知"
    assert doc.meta.doc_number == "粤府办〔2020〕5号"
    assert doc.skip == ()


def test_header_text_file_skips_header_and_keeps_header_meta(tmp_path: Path) -> None:
    path = tmp_path / "law.md"
    path.write_text(
        "title: 正式标题\ndate: 2021-04-29\n---\n首行标题\n\n第一条 为了促进发展，制定本法。\n",
        encoding="utf-8",
    )
    doc = load_file(path, source="custom-name")
    assert doc.source == "custom-name"
    assert doc.fmt == "md"
    assert doc.meta.title == "正式标题"
    assert doc.meta.date == "2021-04-29"
    assert doc.skip == ((0, doc.text.index("首行标题")),)
    assert content(doc).startswith("首行标题")


def test_header_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "only.txt"
    path.write_text("title: 只有头\n---\n\n", encoding="utf-8")
    with pytest.raises(EmptyDocument, match=r"^only\.txt: .*没有正文"):
        load_file(path)


# --- HTML ---------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="gbk"><title>关于做好春耕工作的通知_某某政府网</title>
<style>.x { color: red }</style><script>var secret = "不应出现";</script></head>
<body><nav><a href="/">首页</a> <a href="/news">新闻</a></nav>
<header>网站头部横幅</header>
<div class="content"><h1>关于做好春耕工作的通知</h1>
<p>各地要切实抓好
   春耕生产，确保粮食安全。</p><p>第二段<br>换行后的内容。</p>
<table><tr><td>项目</td><td>金额</td></tr><tr><td>道路</td><td>100万元</td></tr></table>
<noscript>请启用脚本</noscript><iframe src="x"></iframe></div>
<footer>版权所有 某某政府网</footer></body></html>"""


def test_html_visible_text_and_title(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(PAGE.encode("gbk"))
    doc = load_file(path)
    assert doc.fmt == "html"
    assert doc.meta.title == "关于做好春耕工作的通知_某某政府网"  # <title> wins over the first line
    assert doc.text.split("\n") == [
        "关于做好春耕工作的通知",
        "各地要切实抓好 春耕生产，确保粮食安全。",
        "第二段",
        "换行后的内容。",
        "项目\t金额",
        "道路\t100万元",
    ]
    for hidden in ("secret", "不应出现", "color", "首页", "网站头部", "请启用脚本", "版权所有"):
        assert hidden not in doc.text


# --- DOCX ---------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table(tmp_path: Path) -> None:
    doc = load_file(make_docx(tmp_path / "notice.docx"))
    assert doc.fmt == "docx"
    assert doc.text.split("\n") == [
        "关于做好乡村振兴工作的通知",
        "国办发〔2021〕9号",
        "各省、自治区、直辖市人民政府：现将有关事项通知如下。",
        "项目\t金额\t备注",
        "道路\t100万元\t",
        "国务院办公厅　2021年3月1日",
    ]
    assert doc.meta.title == "关于做好乡村振兴工作的通知"
    assert doc.meta.doc_number == "国办发〔2021〕9号"
    assert doc.meta.date == "2021-03-01"


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(random.Random(7).randbytes(4000))
    with pytest.raises(CorruptFile, match=r"^bad\.docx: 不是有效的 \.docx"):
        load_file(path)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(CorruptFile, match=r"^other\.docx: .*word/document\.xml"):
        load_file(path)


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(rewrite_zip(docx_bytes(NOTICE_DOCX), {"word/document.xml": b"<w:document><unclosed>"}))
    with pytest.raises(CorruptFile, match=r"^broken\.docx: \.docx 内容无法解析"):
        load_file(path)


def test_docx_declaring_entities_is_refused(tmp_path: Path) -> None:
    good = docx_bytes(NOTICE_DOCX)
    xml = document_xml(good)
    bomb = xml.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>', 1)
    path = tmp_path / "laughs.docx"
    path.write_bytes(rewrite_zip(good, {"word/document.xml": bomb}))
    with pytest.raises(CorruptFile, match=r"^laughs\.docx: XML 中声明了 DOCTYPE/ENTITY"):
        load_file(path)


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(rewrite_zip(docx_bytes(NOTICE_DOCX), {"word/media/pad.bin": b"\0" * 2_000_000}))
    assert path.stat().st_size < 40_000  # small on disk, 2 MB inflated
    with pytest.raises(CorruptFile, match=r"^bomb\.docx: 解压后 .*zip 炸弹"):
        load_file(path, max_bytes=40_000)


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "law.pdf"
    path.write_bytes(
        make_pdf([["Rural Revitalization Law", "Article 1 is adopted."], ["Article 2 on page two."]])
    )
    doc = load_file(path)
    assert doc.fmt == "pdf"
    assert doc.text == "Rural Revitalization Law\nArticle 1 is adopted.\n\nArticle 2 on page two."
    assert doc.meta.title == "Rural Revitalization Law"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []]))
    with pytest.raises(CorruptFile, match=r"^scan\.pdf: 没有文本层（扫描件），需要先做 OCR"):
        load_file(path)


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + random.Random(3).randbytes(3000))
    with pytest.raises(CorruptFile, match=r"^junk\.pdf: PDF"):
        load_file(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Secret text"]]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(CorruptFile, match=r"^locked\.pdf: PDF 已加密"):
        load_file(path)


# --- refusals -----------------------------------------------------------------------------------


def test_binary_junk_txt(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(random.Random(5).randbytes(5000))
    with pytest.raises((CorruptFile, DecodeFailure), match=r"^junk\.txt: "):
        load_file(path)


@pytest.mark.parametrize("data", [b"", b" \n\r\n\t  "])
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(EmptyDocument, match=r"^empty\.txt: "):
        load_file(path)


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ\x90\x00")
    with pytest.raises(UnsupportedFormat, match=r"^setup\.exe: 不支持的文件格式 \.exe"):
        load_file(path)


def test_file_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("政策" * 200, encoding="utf-8")
    with pytest.raises(FileTooLarge, match=r"^big\.txt: 文件过大（1200 字节.*上限为 1000 字节"):
        load_file(path, max_bytes=1000)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"^gone\.txt: 无法读取文件"):
        load_file(tmp_path / "gone.txt")


# --- many files ---------------------------------------------------------------------------------


def test_iter_files_expands_sorts_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/2.md", "a.txt", "b/1.pdf", ".hidden.txt", ".git/x.txt", "image.png"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    explicit = tmp_path / "image.png"
    assert iter_files([tmp_path, explicit, tmp_path / "a.txt"]) == [
        tmp_path / "a.txt",
        tmp_path / "b" / "1.pdf",
        tmp_path / "b" / "2.md",
        explicit,  # named explicitly, so kept to be reported as unsupported
    ]


def test_load_paths_loads_good_files_and_reports_each_bad_one(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("关于春耕的通知\n各地要抓好春耕。\n", encoding="utf-8")
    (folder / "sub" / "good-gbk.txt").write_bytes("关于秋收的通知\n各地要抓好秋收。\n".encode("gbk"))
    make_docx(folder / "good.docx")
    (folder / "empty.md").write_bytes(b"")
    (folder / "junk.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    (folder / "broken.docx").write_bytes(b"not a zip")
    (folder / "scan.pdf").write_bytes(make_pdf([[]]))
    (folder / "huge.txt").write_text("大" * 30_000, encoding="utf-8")  # 90 KB; a .docx is about 37 KB
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")

    docs, failures = load_paths([folder, exe, tmp_path / "missing.txt"], max_bytes=60_000)

    assert sorted(doc.source for doc in docs) == ["good-gbk.txt", "good.docx", "good.txt"]
    reasons = {Path(failure.path).name: failure.reason for failure in failures}
    assert sorted(reasons) == [
        "broken.docx",
        "empty.md",
        "huge.txt",
        "junk.txt",
        "missing.txt",
        "scan.pdf",
        "tool.exe",
    ]
    for name, reason in reasons.items():
        assert reason.startswith(f"{name}: "), reason
    assert "OCR" in reasons["scan.pdf"]
    assert "上限" in reasons["huge.txt"]


def test_load_paths_survives_unexpected_parser_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(data: bytes, name: str) -> tuple[str, str]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(loaders, "_extract_html", explode)
    (tmp_path / "a.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "b.txt").write_text("正文内容。", encoding="utf-8")
    docs, failures = load_paths([tmp_path])
    assert [doc.source for doc in docs] == ["b.txt"]
    assert len(failures) == 1
    assert failures[0].reason.startswith("a.html: 文件已损坏或无法解析（RecursionError")


def test_load_paths_reports_duplicate_file_names(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(f"{folder} 的正文。", encoding="utf-8")
    docs, failures = load_paths([tmp_path])
    assert [doc.path for doc in docs] == [str(tmp_path / "x" / "same.txt")]
    assert [failure.path for failure in failures] == [str(tmp_path / "y" / "same.txt")]
    assert "同名" in failures[0].reason


# --- the shared corpus --------------------------------------------------------------------------

EXPECTED = {
    "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt": ("社会救助暂行办法（2019年3月2日修订版本）", "2014-02-21"),
    "2017-12-01_henan-fupin-kaifa-tiaoli.txt": ("河南省扶贫开发条例", "2017-12-01"),
    "2021-04-29_xiangcun-zhenxing-cujinfa.txt": ("中华人民共和国乡村振兴促进法", "2021-04-29"),
    "2022-06-01_guangdong-xiangcun-zhenxing-tiaoli.txt": ("广东省乡村振兴促进条例", "2022-06-01"),
    "2023-01-02_yihao-wenjian-2023.txt": (
        "中共中央　国务院关于做好2023年全面推进乡村振兴重点工作的意见（2023年中央一号文件）",
        "2023-01-02",
    ),
    "2024-05-31_beijing-xiangcun-zhenxing-tiaoli.txt": ("北京市乡村振兴促进条例", "2024-05-31"),
    "2024-06-28_nongcun-jiti-jingji-zuzhi-fa.txt": ("中华人民共和国农村集体经济组织法", "2024-06-28"),
    "2024-07-18_ershijie-sanzhong-quanhui-jueding.txt": (
        "中共中央关于进一步全面深化改革 推进中国式现代化的决定",
        "2024-07-18",
    ),
    "2025-01-01_yihao-wenjian-2025.txt": (
        "中共中央 国务院关于进一步深化农村改革 扎实推进乡村全面振兴的意见（2025年中央一号文件）",
        "2025-01-01",
    ),
    "2025-10-23_shiwuwu-guihua-jianyi.txt": (
        "中共中央关于制定国民经济和社会发展第十五个五年规划的建议",
        "2025-10-23",
    ),
}


def test_shared_corpus_loads_with_metadata() -> None:
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS}"
    docs, failures = load_paths([CORPUS])
    assert failures == []
    by_name = {doc.source: doc for doc in docs}
    assert sorted(by_name) == sorted([*EXPECTED, "shanxi-juji-wuda-nengli.txt"])
    for name, (title, date) in EXPECTED.items():
        doc = by_name[name]
        assert (doc.meta.title, doc.meta.date) == (title, date), name
        assert doc.meta.issuer, name
        assert len(doc.skip) == 1 and doc.skip[0][0] == 0, name  # only the header is skipped
        assert doc.text[: doc.skip[0][1]].endswith("---\n"), name
    assert (
        by_name["2014-02-21_shehui-jiuzhu-zanxing-banfa.txt"].meta.doc_number
        == "中华人民共和国国务院令第649号"
    )

    shanxi = by_name["shanxi-juji-wuda-nengli.txt"]
    assert shanxi.meta.title == "聚焦五大能力 有效衔接乡村振兴"
    assert shanxi.meta.source_url == "农村工作通讯-中国农村网"
    assert shanxi.meta.author == "山西省委农办主任、省农业农村厅厅长 刘志杰"  # the page's □ spacer dropped
    assert shanxi.meta.date == ""
    kept = content(shanxi)
    assert "5479座光伏村级电站" in kept
    assert kept.rstrip().endswith("加快走出全省农业农村高质量发展新路。")
    assert "责任编辑" not in kept and "来源:" not in kept
    assert os.path.basename(shanxi.path) == shanxi.source


def test_docx_with_damaged_compressed_part(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("word/document.xml")
    # Flip bytes inside the compressed data of document.xml (after its 30-byte local header and name).
    data_start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(data_start + 5, data_start + 25):
        data[offset] ^= 0xFF
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFile, match=r"^damaged\.docx: "):
        load_file(path)
