"""Tests for corpus.chunker (切块): coverage, exact spans, sections, overlap, long sentences, ids."""

from __future__ import annotations

import dataclasses
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.chunker import ChunkSettings, chunk_document
from corpus.ids import chunk_id_for, doc_id_for
from corpus.sentences import split_sentences
from corpus.structure import analyse
from corpus.tokenize import Tokenizer
from corpus.types import Chunk, SourceDoc

TOKENIZER = Tokenizer()
count = TOKENIZER.count


def make_doc(text: str, source: str = "通知.txt", skip: tuple[tuple[int, int], ...] = ()) -> SourceDoc:
    return SourceDoc(source=source, path=source, fmt="txt", text=text, skip=skip)


def chunks_of(text: str, max_tokens: int = 100, **kw: object) -> list[Chunk]:
    return chunk_document(make_doc(text, **kw), count, ChunkSettings(max_tokens=max_tokens))  # type: ignore[arg-type]


def assert_chunk_invariants(doc: SourceDoc, chunks: list[Chunk], cfg: ChunkSettings) -> None:
    text = doc.text
    lines = analyse(text, doc.skip)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert 0 <= c.start < c.end <= len(text)
        assert c.text == text[c.start : c.end]
        assert c.doc_id == doc.doc_id and c.source == doc.source
        assert c.chunk_id == chunk_id_for(c.doc_id, c.section, c.start, c.text)
        # Whole chunks never straddle two top-level sections.
        tops = {line.top for line in lines if line.start < c.end and c.start < line.end}
        assert len(tops) == 1, (c, tops)
    for a, b in itertools.pairwise(chunks):
        assert a.start < b.start and a.end < b.end
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    # Every sentence of the body lies inside the chunks; one that fits the budget inside one chunk.
    covered = [(c.start, c.end) for c in chunks]
    for s, e, _ in split_sentences(text, lines):
        if count(text[s:e]) <= cfg.max_tokens:
            assert any(a <= s and e <= b for a, b in covered), (text[s:e], covered)
        else:
            assert all(any(a <= i < b for a, b in covered) for i in range(s, e)), text[s:e]


# --- hypothesis: random policy-like documents ------------------------------------------------------

HAN = "政策乡村振兴农业农民发展保障制度落实推进建设服务管理耕地粮食安全产业人才组织领导"
WIDE = "ＡＢ１２３（）：－"
clause = st.text(alphabet=HAN + WIDE + "，、\u200b\u3000", min_size=1, max_size=30)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["plain", "quoted-inside", "quoted-outside", "no-ender"]))
    a = draw(clause)
    if shape == "no-ender":
        return a
    if shape == "plain":
        return a + draw(st.sampled_from("。！？；"))
    b = draw(clause)
    return f"{a}“{b}。”" if shape == "quoted-inside" else f"{a}“{b}”。"


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["", "　　", "  ", "\u200b"]))
    return indent + "".join(draw(st.lists(sentence(), min_size=1, max_size=6)))


heading = st.sampled_from(
    [
        "第一章 总则",
        "第二章　保障措施",
        "第一条 为了促进乡村振兴，制定本办法。",
        "第二条",
        "一、总体要求",
        "二、重点任务",
        "（一）加强组织领导。压实工作责任。",
        "（二）",
        "# 总则",
        "## 适用范围",
        "1、事项",
        "聚焦目标任务抓统筹推进。各地坚持把脱贫攻坚作为头等大事和第一民生工程。",
    ]
)
separator = st.sampled_from(["\n", "\n\n", "\n \n", "\n\u3000\n"])


@st.composite
def documents(draw: st.DrawFn) -> SourceDoc:
    blocks = draw(st.lists(st.one_of(heading, paragraph()), min_size=1, max_size=12))
    body = ""
    for block in blocks:
        body += block + draw(separator)
    header = draw(st.sampled_from(["", "标题: 关于春耕生产的通知\n发文机关: 农业农村部\n\n"]))
    skip = ((0, len(header)),) if header else ()
    return make_doc(header + body, source=draw(st.sampled_from(["a.txt", "通知.md"])), skip=skip)


@settings(max_examples=80, deadline=None)
@given(documents(), st.integers(min_value=6, max_value=80))
def test_chunks_cover_the_document_with_exact_ordered_spans(doc: SourceDoc, max_tokens: int) -> None:
    cfg = ChunkSettings(max_tokens=max_tokens)
    chunks = chunk_document(doc, count, cfg)
    assert_chunk_invariants(doc, chunks, cfg)
    # The metadata header is never part of a chunk.
    for start, end in doc.skip:
        assert all(c.end <= start or c.start >= end for c in chunks)
    # Deterministic: the same document always gives the same chunks and ids.
    assert chunk_document(doc, count, cfg) == chunks


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=HAN + "。！？；“”（）\n \u3000\u200bＡ１#、一二第章条", max_size=200))
def test_arbitrary_text_still_gives_valid_chunks(text: str) -> None:
    doc = make_doc(text)
    cfg = ChunkSettings(max_tokens=12)
    assert_chunk_invariants(doc, chunk_document(doc, count, cfg), cfg)


# --- examples ---------------------------------------------------------------------------------------

LAW = """中华人民共和国乡村振兴促进法

第一章 总则

第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、农民全面发展，制定本法。

第二条 全面实施乡村振兴战略，开展促进乡村产业振兴、人才振兴、文化振兴、生态振兴、组织振兴。

第二章 产业发展

第三条 国家完善农村集体产权制度，增强农村集体所有制经济发展活力。
"""


def test_chunks_never_cross_a_top_level_section_even_with_a_large_budget() -> None:
    chunks = chunks_of(LAW, max_tokens=1000)
    assert [c.text.split("\n")[0] for c in chunks] == [
        "中华人民共和国乡村振兴促进法",
        "第一章 总则",
        "第二章 产业发展",
    ]
    assert [c.section for c in chunks] == ["", "第一章 总则", "第二章 产业发展"]
    assert "第二章" not in chunks[1].text


def test_a_heading_starts_a_new_chunk_once_the_running_one_is_reasonably_full() -> None:
    chunks = chunks_of(LAW, max_tokens=30)
    starts = [c.text[:3] for c in chunks]
    assert starts == ["中华人", "第一章", "第二条", "第二章"]
    assert chunks[2].section == "第一章 总则 > 第二条"


SECTION = "一、总体要求\n" + "".join(
    f"第{n}项工作要求各地切实加强组织领导并压实工作责任。" for n in "一二三四五六"
)


def test_consecutive_chunks_in_a_section_overlap_by_one_sentence() -> None:
    text = SECTION + "\n二、保障措施\n加强资金保障。\n"
    chunks = chunks_of(text, max_tokens=25)
    inside = [c for c in chunks if c.section == "一、总体要求"]
    assert len(inside) >= 3
    for a, b in itertools.pairwise(inside):
        last = a.text[a.text.rindex("第") :]  # the last sentence of the previous chunk
        assert b.text.startswith(last)
        assert b.start == a.end - len(last)
    # No overlap across the top-level border: 二、 starts clean.
    assert chunks[-1].text == "二、保障措施\n加强资金保障。"
    assert chunks[-1].start == inside[-1].end + 1


def test_overlap_can_be_switched_off() -> None:
    cfg = ChunkSettings(max_tokens=25, overlap_sentences=0)
    chunks = chunk_document(make_doc(SECTION), count, cfg)
    for a, b in itertools.pairwise(chunks):
        assert b.start >= a.end


def test_a_sentence_longer_than_the_budget_is_cut_at_commas_with_exact_spans() -> None:
    text = "三、各地要" + "，".join(["加强农业基础设施建设"] * 12) + "。\n"
    chunks = chunks_of(text, max_tokens=20)
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == text.rstrip("\n")
    for a, b in itertools.pairwise(chunks):
        assert a.end == b.start and a.text.endswith("，")
    assert all(count(c.text) <= 20 for c in chunks)


def test_a_sentence_without_commas_is_cut_at_a_fixed_width() -> None:
    text = "四、" + "乡村振兴" * 40 + "。"
    chunks = chunks_of(text, max_tokens=20)
    assert len(chunks) > 2
    assert "".join(c.text for c in chunks) == text
    assert all(c.text == text[c.start : c.end] and count(c.text) <= 20 for c in chunks)


def test_chunk_ids_depend_on_document_section_and_text() -> None:
    one = chunks_of(LAW, source="a.txt")
    again = chunks_of(LAW, source="a.txt")
    other = chunks_of(LAW, source="b.txt")
    assert [c.chunk_id for c in one] == [c.chunk_id for c in again]
    assert not {c.chunk_id for c in one} & {c.chunk_id for c in other}
    assert one[0].doc_id == doc_id_for("a.txt")
    # Editing one article changes only the ids of the chunks that hold it.
    edited = chunks_of(LAW.replace("增强农村集体", "壮大农村集体"), source="a.txt")
    changed = [a.chunk_id != b.chunk_id for a, b in zip(one, edited, strict=True)]
    assert changed == [False, False, True]


def test_same_sentence_twice_in_a_section_gives_distinct_ids() -> None:
    text = "一、要求\n加强领导。\n\n二、措施\n加强领导。\n"
    chunks = chunks_of(text)
    assert len(chunks) == 2 and len({c.chunk_id for c in chunks}) == 2


def test_chunk_settings_are_recorded_with_the_tokenizer_version() -> None:
    d = ChunkSettings(max_tokens=64).to_dict()
    assert d["max_tokens"] == 64 and d["overlap_sentences"] == 1 and d["min_fill"] == 0.4
    assert dataclasses.is_dataclass(ChunkSettings) and ChunkSettings() == ChunkSettings()


def test_empty_body_gives_no_chunks() -> None:
    assert chunks_of("\n\n　　\n") == []


def test_skipped_boilerplate_in_the_middle_is_never_inside_a_chunk() -> None:
    text = (
        "关于做好春耕生产的通知\n"
        "发布时间：2024-03-01 来源：农业农村部\n"
        "字号：【大 中 小】 打印本页 关闭窗口\n"
        "各地要切实抓好春耕生产，确保粮食安全。\n"
    )
    start = text.index("发布时间")
    end = text.index("各地要")
    chunks = chunks_of(text, skip=((start, end),))
    assert chunks
    for c in chunks:
        assert c.end <= start or c.start >= end, c.text


def test_a_lead_in_stays_with_the_items_it_announces() -> None:
    """下列…：（一）…（二）…: the items are headings by their form, but a chunk never starts at one of
    them while the lead-in that says what they are sits at the end of the chunk before."""
    text = (
        "第一章 选举\n"
        "第十三条 年满十八周岁的村民，不分民族、种族、性别、职业、家庭出身、宗教信仰、教育程度、财产状况、"
        "居住期限，都有选举权和被选举权；但是，依照法律被剥夺政治权利的人除外。\n"
        "村民委员会选举前，应当对下列人员进行登记，列入参加选举的村民名单：\n"
        "（一）户籍在本村并且在本村居住的村民；\n"
        "（二）户籍在本村，不在本村居住，本人表示参加选举的村民；\n"
        "（三）户籍不在本村，在本村居住一年以上，本人申请参加选举的公民。\n"
        "第十四条 登记参加选举的村民名单应当在选举日的二十日前由村民选举委员会公布。\n"
    )
    chunks = chunks_of(text, max_tokens=60)
    first_item = next(c for c in chunks if "（一）户籍在本村" in c.text)
    assert "列入参加选举的村民名单：" in first_item.text
    assert not any(c.text.rstrip().endswith("村民名单：") for c in chunks)
    # A chunk filled up inside the list: the next one repeats the lead-in and the items since, while
    # they fit the budget, rather than start with a stray item.
    small = chunks_of(text, max_tokens=45)
    second = next(c for c in small if "（二）" in c.text)
    assert second.text.startswith("村民委员会选举前") and "（一）" in second.text


def test_shared_web_article_closing_has_a_section_of_its_own() -> None:
    """The real scraped article of ../shared/corpus: its five abilities are one paragraph each, so the
    two paragraphs after the last (三个一批 and the summing-up) are its 结语, not 加强社会保障制度兜底能力."""
    from pathlib import Path

    from corpus.loaders import load_file

    path = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "shanxi-juji-wuda-nengli.txt"
    assert path.is_file(), f"shared corpus file not found at {path}"
    chunks = chunk_document(load_file(path), count)
    sections = list(dict.fromkeys(c.section for c in chunks))
    assert sections == [
        "",
        "聚焦目标任务抓统筹推进。",
        "聚焦体制机制抓有效衔接。",
        "聚焦能力提升抓巩固拓展。",
        "激发脱贫摘帽地区发展活力。",
        "提高农村低收入人口发展能力。",
        "增强基础设施支撑能力。",
        "提升公共服务供给能力。",
        "加强社会保障制度兜底能力。",
        "结语",
    ]
    last_point = "".join(c.text for c in chunks if c.section == "加强社会保障制度兜底能力。")
    closing = "".join(c.text for c in chunks if c.section == "结语")
    assert "三个一批" not in last_point and "我们将" not in last_point
    assert closing.startswith("围绕上述五个方面") and closing.endswith("高质量发展新路。")
