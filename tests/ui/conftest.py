"""Fixtures for the web chat: a small real knowledge base, a running server, a leak listener.

The knowledge base holds excerpts of two shared-corpus documents plus a hostile document whose
text carries a script, an ``onerror`` handler and a Markdown image pointing at a local listener.
It is built once per session (the bundled embedder is slow on a busy machine, see ``built_index``)
and a copy of it is served by one app launched in this process on a free port; tests that change
that copy only add their own documents and delete them again.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from index_kit import writable_copy
from ui_testkit import CORPUS, SCREENSHOTS, Listener, Server, free_port, hostile_text


@pytest.fixture(scope="session")
def leak_listener() -> Iterator[Listener]:
    listener = Listener(free_port())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            listener.requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    listener.server = http.server.ThreadingHTTPServer(("127.0.0.1", listener.port), Handler)
    thread = threading.Thread(target=listener.server.serve_forever, daemon=True)
    thread.start()
    yield listener
    listener.server.shutdown()
    listener.server.server_close()


def _excerpt(name: str, keep: list[tuple[int, int]]) -> str:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for lo, hi in keep for line in lines[lo:hi]) + "\n"


@pytest.fixture(scope="session")
def ui_docs(tmp_path_factory: pytest.TempPathFactory, leak_listener: Listener) -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"缺少共享语料 {CORPUS}")
    docs = tmp_path_factory.mktemp("ui-docs")
    # The 山西 article: the paragraph on the three kinds of counties.
    (docs / "shanxi-juji-wuda-nengli.txt").write_text(
        _excerpt("shanxi-juji-wuda-nengli.txt", [(0, 7)]), "utf-8"
    )
    # 社会救助暂行办法: header, 第一章 第一条–第二条, and 第七十条 (施行日期).
    text = (CORPUS / "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt").read_text(encoding="utf-8")
    head = text[: text.index("第三条")]
    tail = text[text.index("第十三章") if "第十三章" in text else text.index("第七十条") :]
    (docs / "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt").write_text(head + "\n" + tail, "utf-8")
    (docs / "fangxun-anpai.txt").write_text(hostile_text(leak_listener.port), "utf-8")
    return docs


@pytest.fixture(scope="session")
def ui_index(built_index: Callable[..., Path], ui_docs: Path) -> Path:
    return built_index("ui", [ui_docs])


@pytest.fixture(scope="session")
def ui_server(ui_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from assistant.config import Settings
    from ui.app import launch
    from ui.service import WebService

    index = writable_copy(ui_index, tmp_path_factory.mktemp("ui-server") / "index")  # uploads go here
    service = WebService(
        Settings(index_dir=index), tmp_path_factory.mktemp("ui-data"), max_upload_bytes=1024 * 1024
    )
    port = free_port()
    demo = launch(service, port=port, prevent_thread_lock=True, quiet=True)
    yield Server(f"http://127.0.0.1:{port}/", service, demo)
    demo.close()
    service.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
