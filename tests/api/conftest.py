"""Fixtures for the open API: the web app on a copy of the shared-corpus index, with API keys and a login.

One server per session, launched in this process on a free loopback port like the web-chat tests.
It has a web login (so the API requires keys even from loopback), a keys file with a reader, a
manager and a key for another knowledge base only, and a rate limiter whose clock the tests drive.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_testkit import WEB_PASSWORD, WEB_USER, ApiServer, StepClock
from index_kit import writable_copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def api_index(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy: the server writes its audit log into the index folder."""
    return writable_copy(corpus_index, tmp_path_factory.mktemp("api-index") / "index")


@pytest.fixture(scope="session")
def api_server(api_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    from assistant.config import Settings
    from ui.access import Access
    from ui.api_keys import RateLimiter, add_api_key, load_api_keys
    from ui.app import launch
    from ui.auth import hash_password
    from ui.service import WebService

    keys_file = tmp_path_factory.mktemp("api-keys") / "keys.jsonl"
    keys = {
        "reader": add_api_key(keys_file, "reader", {"default": "read"}),
        "manager": add_api_key(keys_file, "manager", {"*": "manage"}),
        "outsider": add_api_key(keys_file, "outsider", {"other-kb": "read"}),
    }
    clock = StepClock()
    service = WebService(Settings(index_dir=api_index), tmp_path_factory.mktemp("api-data"))
    port = _free_port()
    demo = launch(
        service, port=port, prevent_thread_lock=True, quiet=True,
        users={WEB_USER: hash_password(WEB_PASSWORD)}, access=Access("default"),
        api_keys=load_api_keys(keys_file), api_limiter=RateLimiter(60, 2, clock=clock),
    )  # fmt: skip
    yield ApiServer(f"http://127.0.0.1:{port}", service, keys, clock, api_index)
    demo.close()
    service.close()
