"""Fuzzing the corpus layer (模糊测试): any bytes, any text → chunks or a clear per-file CorpusError.

Hypothesis drives: random bytes through :func:`decode_bytes`; random and mutated files of every
supported format through :func:`load_file`; random Unicode (CJK, punctuation, quotes, headings, odd
whitespace and control characters, very long lines) through structure, sentences and the chunker.
Each example has a deadline, so a hang or a quadratic path fails the test instead of stalling it.
The linear-time rewrites of the sentence splitter and of the over-long-sentence splitter are also
checked against the original implementations, kept here as oracles: same spans, same pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from document_builders import make_pdf
from hardening_files import make_docx, make_html
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corpus.chunker import _pieces, chunk_document
from corpus.decode import decode_bytes
from corpus.errors import CorpusError
from corpus.loaders import SUPPORTED, load_file
from corpus.sentences import CLOSERS, ENDERS, OPENERS, split_line, split_sentences
from corpus.structure import Line, analyse
from corpus.tokenize import default_tokenizer
from corpus.types import SourceDoc

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: a failure reproduces
)

# Text that looks like a policy document, and text that looks like nothing.
_POLICY_BITS = [
    "第一条", "第二章 总则", "一、", "（一）", "1.", "（1）", "# 标题", "## 小节", "。", "，", "；", "！", "？",
    "“", "”", "（", "）", "《", "》", "「", "」", "、", "：", "\n", "\n\n", " ", "\u3000", "\t", "\xa0",
    "责任编辑：张三", "来源：新华社", "2024年5月31日", "国发〔2024〕1号", "---", "标题: 通知", "|",
    "乡村振兴", "农民增收", "abc", "123", "\u200b", "\ufeff", "\x0b", "\x1c", "\u2028", "\U0001f600",
]  # fmt: skip
policy_text = st.lists(
    st.one_of(st.sampled_from(_POLICY_BITS), st.text(st.characters(exclude_categories=["Cs"]), max_size=8)),
    max_size=200,
).map("".join)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)


def _count(text: str) -> int:
    return default_tokenizer().count(text)


def _check_chunks(doc: SourceDoc) -> None:
    chunks = chunk_document(doc, _count)
    previous = -1
    for i, chunk in enumerate(chunks):
        assert chunk.ordinal == i
        assert 0 <= chunk.start < chunk.end <= len(doc.text)
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.start >= previous  # document order (an overlap sentence may start where the last did)
        previous = chunk.start


# --- decoding and loading ----------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=4096))
def test_decode_bytes_returns_text_or_a_corpus_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data, "x.txt")
    except CorpusError as exc:
        assert str(exc).startswith("x.txt: ")
    else:
        assert isinstance(text, str) and encoding and "\r" not in text


@FUZZ
@given(text=any_text, encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]))
def test_decode_bytes_round_trips_what_it_accepts(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    try:
        decoded, _ = decode_bytes(data, "x.txt")
    except CorpusError:
        return  # control characters may make it "binary"; refusing is allowed, mangling is not
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    if encoding in ("utf-8", "utf-16", "utf-8-sig"):
        assert decoded == normalized.removeprefix("\ufeff") or decoded == normalized


def _load(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        doc = load_file(path, max_bytes=1024 * 1024)
    except CorpusError as exc:
        assert str(exc).startswith(f"{name}: "), str(exc)
        return
    assert doc.text.strip()
    _check_chunks(doc)


@FUZZ
@given(data=st.binary(max_size=2048), ext=st.sampled_from(sorted(SUPPORTED)))
def test_random_bytes_with_every_extension(tmp_path: Path, data: bytes, ext: str) -> None:
    _load(tmp_path, f"random{ext}", data)


_VALID = {
    ".docx": make_docx(),
    ".html": make_html(),
    ".pdf": make_pdf([["Article 1 applies.", "Article 2."]]),
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    ext = draw(st.sampled_from(sorted(_VALID)))
    data = bytearray(_VALID[ext])
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 256))]
    return ext, bytes(data)


@FUZZ
@given(case=mutated())
def test_mutated_valid_files(tmp_path: Path, case: tuple[str, bytes]) -> None:
    ext, data = case
    _load(tmp_path, f"mutated{ext}", data)


@FUZZ
@given(text=policy_text)
def test_random_text_files_load_and_chunk(tmp_path: Path, text: str) -> None:
    _load(tmp_path, "policy.txt", text.encode("utf-8"))


# --- structure, sentences, chunks ------------------------------------------------------------------------


@FUZZ
@given(text=st.one_of(policy_text, any_text), long_line=st.integers(0, 20_000))
def test_structure_sentences_and_chunks_on_any_text(text: str, long_line: int) -> None:
    text = text + "乡村振兴，" * (long_line // 5)  # sometimes a very long last line
    lines = analyse(text)
    for line in lines:
        assert 0 <= line.start < line.end <= len(text) and "\n" not in text[line.start : line.end]
    for s, e, _ in split_sentences(text, lines):
        assert 0 <= s < e <= len(text)
    _check_chunks(SourceDoc(source="f.txt", path="f.txt", fmt="txt", text=text))


@FUZZ
@given(text=policy_text, data=st.data())
def test_skipped_lines_are_never_chunked(text: str, data: st.DataObject) -> None:
    # Skip ranges are whole lines, newline included, as the loader makes them (metadata header, boilerplate).
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    spans = [(a, min(b, len(text))) for a, b in zip(starts, [*starts[1:], len(text) + 1], strict=True)]
    chosen = data.draw(st.sets(st.integers(0, len(spans) - 1), max_size=len(spans)))
    skip = tuple(spans[i] for i in sorted(chosen) if spans[i][1] > spans[i][0])
    doc = SourceDoc(source="f.txt", path="f.txt", fmt="txt", text=text, skip=skip)
    for chunk in chunk_document(doc, _count):
        assert not any(a <= chunk.start and chunk.end <= b for a, b in skip)
    _check_chunks(doc)


# --- the linear rewrites agree with the originals ------------------------------------------------------------


def _reference_split_line(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """corpus.sentences.split_line before the regex jump (commit b64f55b), a per-character loop."""
    depth: list[str] = []
    sent_start = start
    i = start
    while i < end:
        ch = text[i]
        if ch in OPENERS:
            depth.append(OPENERS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
            if not depth and ch in "”’」』" and i > start and text[i - 1] in ENDERS:
                yield from _trim(text, sent_start, i + 1)
                sent_start = i + 1
        elif ch in ENDERS and not depth:
            j = i + 1
            while j < end and (text[j] in ENDERS or text[j] in CLOSERS):
                j += 1
            yield from _trim(text, sent_start, j)
            sent_start = i = j
            continue
        i += 1
    if depth and sent_start < end:
        s = sent_start
        for k in range(sent_start, end):
            if text[k] in ENDERS:
                yield from _trim(text, s, k + 1)
                s = k + 1
        yield from _trim(text, s, end)
        return
    yield from _trim(text, sent_start, end)


def _trim(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while s < e and text[s] in " \t\u3000\xa0":
        s += 1
    while e > s and text[e - 1] in " \t\u3000\xa0":
        e -= 1
    if e > s:
        yield s, e


def _reference_pieces(
    text: str, s: int, e: int, budget: int, count: Callable[[str], int]
) -> list[tuple[int, int, int]]:
    """corpus.chunker._pieces before the rewrite (commit b64f55b): re-counts the growing piece at every comma."""
    n = count(text[s:e])
    if n <= budget:
        return [(s, e, n)]
    cuts = [i + 1 for i in range(s, e - 1) if text[i] in "，,、："]
    pieces: list[tuple[int, int, int]] = []
    begin = s
    for cut in [*cuts, e]:
        if cut == e or count(text[begin:cut]) >= budget * 0.8:
            piece_tokens = count(text[begin:cut])
            if piece_tokens > budget:
                width = max(8, (cut - begin) * budget // (piece_tokens * 2))
                for w in range(begin, cut, width):
                    sub_end = min(w + width, cut)
                    pieces.append((w, sub_end, count(text[w:sub_end])))
            else:
                pieces.append((begin, cut, piece_tokens))
            begin = cut
            if begin >= e:
                break
    return pieces


_SENTENCE_BITS = [
    "乡村振兴",
    "促进农业",
    "全面升级",
    "，",
    "、",
    "：",
    ",",
    "abc",
    "2024",
    " ",
    "农民",
    "。",
    "“",
    "”",
]


@settings(max_examples=150, deadline=timedelta(seconds=3), derandomize=True)
@given(text=st.one_of(policy_text, any_text))
def test_sentence_splitter_matches_the_original(text: str) -> None:
    pos = 0
    for raw in text.split("\n"):
        assert list(split_line(text, pos, pos + len(raw))) == list(
            _reference_split_line(text, pos, pos + len(raw))
        )
        pos += len(raw) + 1


@pytest.mark.parametrize("budget", [10, 100])
@settings(max_examples=80, deadline=timedelta(seconds=5), derandomize=True)
@given(text=st.lists(st.sampled_from(_SENTENCE_BITS), min_size=1, max_size=300).map("".join))
def test_over_long_sentence_pieces_match_the_original(budget: int, text: str) -> None:
    """With the real tokenizer: summing per-comma counts gives exactly the old pieces (jieba never joins across a comma)."""
    line = Line(0, len(text), (), False)
    new = [(p.start, p.end, p.tokens) for p in _pieces(text, 0, len(text), line, budget, _count)]
    assert new == _reference_pieces(text, 0, len(text), budget, _count)
