"""Fixtures of the security tests: a knowledge base of malicious and normal documents, a leak listener,
an assistant whose (fake) model obeys every injection, and servers with and without access limits.

The index is built once per session; the access server works on its own copy, so uploads and
deletions there never change what the injection tests see.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from index_kit import writable_copy
from security_kit import (
    KB_NAME,
    MANAGER,
    OUTSIDER,
    PASSWORDS,
    READER,
    Listener,
    ObedientAssistant,
    Server,
    free_port,
    write_corpus,
)

from assistant.config import Settings


@pytest.fixture(scope="session")
def leak_listener() -> Iterator[Listener]:
    listener = Listener(free_port())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            listener.requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    listener.server = http.server.ThreadingHTTPServer(("127.0.0.1", listener.port), Handler)
    threading.Thread(target=listener.server.serve_forever, daemon=True).start()
    yield listener
    listener.server.shutdown()
    listener.server.server_close()


@pytest.fixture(scope="session")
def sec_docs(tmp_path_factory: pytest.TempPathFactory, leak_listener: Listener) -> Path:
    return write_corpus(tmp_path_factory.mktemp("sec-docs"), leak_listener.port)


@pytest.fixture(scope="session")
def sec_index(built_index: Callable[..., Path], sec_docs: Path) -> Path:
    return built_index("sec", [sec_docs], added=8)


def llm_settings(index: Path) -> Settings:
    # The model is injected (ObedientAssistant); these only switch the LLM layer on.
    return Settings(index_dir=index, llm_base_url="http://127.0.0.1:9/v1", llm_model="obedient-fake")


@pytest.fixture(scope="session")
def obedient(sec_index: Path, leak_listener: Listener) -> Iterator[ObedientAssistant]:
    assistant = ObedientAssistant(llm_settings(sec_index), f"127.0.0.1:{leak_listener.port}")
    yield assistant
    assistant.close()


@pytest.fixture(scope="session")
def injection_server(
    obedient: ObedientAssistant, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The web chat over the malicious knowledge base, answering through the obedient model."""
    from ui.app import launch
    from ui.service import WebService

    service = WebService(obedient.settings, tmp_path_factory.mktemp("sec-web"), assistant=obedient)
    port = free_port()
    demo = launch(service, port=port, prevent_thread_lock=True, quiet=True)
    yield Server(f"http://127.0.0.1:{port}/", service, demo)
    demo.close()
    service.feedback.close()


@pytest.fixture(scope="session")
def access_index(tmp_path_factory: pytest.TempPathFactory, sec_index: Path) -> Path:
    return writable_copy(sec_index, tmp_path_factory.mktemp("access-index") / "index")


@pytest.fixture(scope="session")
def users() -> dict[str, str]:
    from ui.auth import hash_password

    return {name: hash_password(pw) for name, pw in PASSWORDS.items()}


@pytest.fixture(scope="session")
def access_server(
    access_index: Path, users: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Login on; the permissions file gives the reader read and the manager manage on ``fupin``."""
    from ui.access import parse_permissions
    from ui.app import launch
    from ui.service import WebService
    from ui.throttle import LoginThrottle

    access = parse_permissions(
        f'[users]\n{READER} = {{ {KB_NAME} = "read" }}\n{MANAGER} = {{ "*" = "read", {KB_NAME} = "manage" }}\n'
        f'{OUTSIDER} = {{ other-kb = "manage" }}\n',
        KB_NAME,
    )
    service = WebService(Settings(index_dir=access_index), tmp_path_factory.mktemp("access-web"))
    port = free_port()
    demo = launch(
        service, port=port, users=users, access=access, throttle=LoginThrottle(limit=1000),
        prevent_thread_lock=True, quiet=True,
    )  # fmt: skip
    yield Server(f"http://127.0.0.1:{port}/", service, demo)
    demo.close()
    service.close()
