"""Laws in the markdown of the national law collection (法律汇编 markdown): ``# 标题``, dated events,
``<!-- INFO END -->``, then the body. The events are metadata, never indexed body text."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.chunker import chunk_document
from corpus.loaders import describe_text, load_file, load_paths
from corpus.tokenize import Tokenizer
from corpus.types import Chunk, SourceDoc

VALIDATION = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-validation"
count = Tokenizer().count

# name → (title, date of the version, first passage, in force); the first passage is where the info
# block ends, so everything before it is the history.
EXPECTED = {
    "dongwu-fangyi-fa.md": ("中华人民共和国动物防疫法", "2021-01-22", "1997-07-03", "2021-05-01"),
    "nongmin-zhuanye-hezuoshe-fa.md": (
        "中华人民共和国农民专业合作社法",
        "2017-12-27",
        "2006-10-31",
        "2018-07-01",
    ),
    "nongye-jishu-tuiguang-fa.md": ("中华人民共和国农业技术推广法", "2024-04-26", "1993-07-02", None),
    "renmin-tiaojie-fa.md": ("中华人民共和国人民调解法", "2010-08-28", "2010-08-28", "2011-01-01"),
    "tuiyi-junren-baozhang-fa.md": ("中华人民共和国退役军人保障法", "2020-11-11", "2020-11-11", "2021-01-01"),
}


def chunks(doc: SourceDoc) -> list[Chunk]:
    found = chunk_document(doc, count)
    for chunk in found:
        assert doc.text[chunk.start : chunk.end] == chunk.text  # citations are offsets into the file
    return found


def indexed(doc: SourceDoc) -> str:
    """The document text the chunks cover, each character once (chunks overlap by a sentence, or by a
    list's lead-in and items)."""
    covered = sorted((c.start, c.end) for c in chunks(doc))
    merged: list[list[int]] = []
    for start, end in covered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return "\n".join(doc.text[s:e] for s, e in merged)


@pytest.fixture(scope="module")
def validation_docs() -> dict[str, SourceDoc]:
    assert VALIDATION.is_dir(), f"validation corpus not found at {VALIDATION}"
    docs, failures = load_paths([VALIDATION])
    assert failures == []
    return {doc.source: doc for doc in docs}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validation_law_metadata(validation_docs: dict[str, SourceDoc], name: str) -> None:
    doc = validation_docs[name]
    title, date, promulgated, effective = EXPECTED[name]
    extra = dict(doc.meta.extra)
    assert (doc.meta.title, doc.meta.date) == (title, date)
    assert doc.meta.issuer == "全国人民代表大会常务委员会"
    assert extra["promulgated"] == promulgated
    assert extra.get("effective") == effective
    # The history is still shown, as metadata: every event line of the info block.
    info = doc.text[: doc.text.index("<!-- INFO END -->")]
    events = [line.strip() for line in info.split("\n") if line.strip() and not line.startswith("#")]
    assert extra["history"].split("\n") == events


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validation_law_history_is_not_body(validation_docs: dict[str, SourceDoc], name: str) -> None:
    doc = validation_docs[name]
    original = (VALIDATION / name).read_text(encoding="utf-8")
    assert doc.text == original  # so every chunk is original[start:end]
    body = indexed(doc)
    end = doc.text.index("<!-- INFO END -->")
    assert doc.skip[0] == (0, doc.text.index("\n", end) + 1)
    for line in doc.text[:end].split("\n"):
        if line.strip():
            assert line.strip() not in body, line
    assert "INFO END" not in body and "# 中华人民共和国" not in body
    first = chunks(doc)[0]
    assert first.text.startswith("## 第一章") and first.section.startswith("第一章")
    # Every article is still there: 第一条 to the last one.
    assert body.count("第一条") >= 1 and doc.text.rstrip().split("\n")[-1] in body


def test_title_repeated_in_the_body_is_not_a_passage(validation_docs: dict[str, SourceDoc]) -> None:
    doc = validation_docs["nongye-jishu-tuiguang-fa.md"]
    repeated = doc.text.index("\n中华人民共和国农业技术推广法\n") + 1
    assert all(not (c.start <= repeated < c.end) for c in chunks(doc))


def test_repeated_list_items_of_a_law_are_not_taken_for_a_web_footer(
    validation_docs: dict[str, SourceDoc],
) -> None:
    doc = validation_docs["dongwu-fangyi-fa.md"]
    item = "（三）从事与动物防疫有关的经营性活动，或者违法收取费用的；"
    assert doc.text.count(item) == 2
    assert indexed(doc).count(item) == 2


# --- excerpts of the collection's other variants (regulations, judicial interpretations, 民法典 parts) ---

INTERPRETATION = """# 最高人民法院关于审理生态环境损害赔偿案件的若干规定（试行）

<!-- INFO END -->

（2019年5月20日最高人民法院审判委员会第1769次会议通过，根据2020年12月23日最高人民法院审判委员会第1823次会议通过的《最高人民法院关于修改〈最高人民法院关于在民事审判工作中适用《中华人民共和国工会法》若干问题的解释〉等二十七件民事类司法解释的决定》修正）

为正确审理生态环境损害赔偿案件，严格保护生态环境，依法追究损害生态环境责任者的赔偿责任，制定本规定。

第一条 具有下列情形之一，省级、市地级人民政府及其指定的相关部门、机构，可以作为原告提起生态环境损害赔偿诉讼。

第二十三条 本规定自2019年6月5日起施行。
"""

PROVINCIAL = """# 山东省清洁生产促进条例

２００２年６月２９日 第九届全国人民代表大会常务委员会第二十八次会议通过

２０１２年２月２９日 第十一届全国人民代表大会常务委员会第二十五次会议《关于修改〈中华人民共和国清洁生产促进法〉的决定》修正

<!-- INFO END -->

（

2010年7月30日山东省第十一届人民代表大会常务委员会第十八次会议通过 根据2020年11月27日山东省第十三届人民代表大会常务委员会第二十四次会议《关于修改〈山东省清洁生产促进条例〉等六件地方性法规的决定》修正）

## 第一章  总则

第一条 为了促进清洁生产，提高资源利用效率，减少和避免污染物的产生，结合本省实际，制定本条例。
"""

CIVIL_CODE_PART = """---
bookHidden: false
---

# 中华人民共和国民法典

# 人格权编

2020年5月28日 第十三届全国人民代表大会第三次会议通过

2021年1月1日 施行

<!-- INFO END -->

## 第一章  一般规定

第九百八十九条 本编调整因人格权的享有和保护产生的民事关系。
"""


def write(tmp_path: Path, name: str, text: str) -> SourceDoc:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_file(path)


def test_judicial_interpretation_history_note_in_the_body(tmp_path: Path) -> None:
    doc = write(tmp_path, "生态环境损害赔偿规定.md", INTERPRETATION)
    extra = dict(doc.meta.extra)
    assert doc.meta.title == "最高人民法院关于审理生态环境损害赔偿案件的若干规定（试行）"
    assert doc.meta.date == "2020-12-23"  # the amendment, not the first passage
    assert (extra["promulgated"], extra["effective"]) == ("2019-05-20", "2019-06-05")
    assert doc.meta.issuer == "最高人民法院审判委员会"
    assert extra["history"].startswith("（2019年5月20日")
    body = indexed(doc)
    assert "审判委员会第1769次会议" not in body
    assert body.startswith("为正确审理生态环境损害赔偿案件")


def test_provincial_regulation_full_width_dates_and_split_note(tmp_path: Path) -> None:
    doc = write(tmp_path, "山东省清洁生产促进条例.md", PROVINCIAL)
    assert doc.meta.title == "山东省清洁生产促进条例"
    assert doc.meta.date == "2020-11-27"
    assert dict(doc.meta.extra)["promulgated"] == "2002-06-29"
    body = indexed(doc)
    assert "会议通过" not in body and not body.startswith("（")
    assert body.startswith("## 第一章  总则")


def test_civil_code_part_title_and_in_force_event(tmp_path: Path) -> None:
    doc = write(tmp_path, "人格权编.md", CIVIL_CODE_PART)
    assert doc.meta.title == "中华人民共和国民法典 人格权编"
    assert doc.meta.date == "2020-05-28"  # 施行 is not a version of the text
    assert dict(doc.meta.extra)["effective"] == "2021-01-01"
    # The YAML front matter and the info block, in one range.
    assert doc.skip == ((0, doc.text.index("<!-- INFO END -->\n") + len("<!-- INFO END -->\n")),)
    assert indexed(doc).startswith("## 第一章")


def test_describe_text_skips_what_load_file_skips(tmp_path: Path) -> None:
    # The evaluation runner rebuilds documents from the catalog's text with describe_text.
    doc = write(tmp_path, "生态环境损害赔偿规定.md", INTERPRETATION)
    meta, skip = describe_text(doc.text, fallback_title="生态环境损害赔偿规定")
    assert (meta, tuple(skip)) == (doc.meta, doc.skip)


def test_plain_markdown_title_has_no_hash(tmp_path: Path) -> None:
    doc = write(tmp_path, "通知.md", "# 关于做好春耕工作的通知\n\n各地要抓好春耕生产。\n")
    assert doc.meta.title == "关于做好春耕工作的通知"


def test_table_of_contents_is_not_a_passage(tmp_path: Path) -> None:
    text = (
        "中华人民共和国示例法\n\n目　　录\n\n第一章　总　　则\n第二章　保障措施\n第三章　附　　则\n\n"
        "第一章　总　　则\n\n第一条　为了规范示例工作，制定本法。\n\n"
        "第二章　保障措施\n\n第二条　国家支持示例工作。\n\n"
        "第三章　附　　则\n\n第三条　本法自2021年1月1日起施行。\n"
    )
    doc = write(tmp_path, "示例法.txt", text)
    toc_end = text.index("第一章　总　　则\n\n第一条")
    assert doc.skip == ((text.index("目　　录"), text.index("\n\n第一章　总　　则\n\n第一条") + 1),)
    found = chunks(doc)
    assert all(c.start >= toc_end or c.end <= text.index("目　　录") for c in found)
    assert sum(c.text.count("第二章　保障措施") for c in found) == 1


def test_contents_without_the_headings_after_them_are_kept(tmp_path: Path) -> None:
    text = "工作要点\n\n目录\n第一章 总则\n第二章 措施\n\n各地要抓好落实。\n"
    doc = write(tmp_path, "要点.txt", text)
    assert doc.skip == ()
