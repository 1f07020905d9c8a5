"""Fixtures for server mode: a real ``chroma run`` server on a free loopback port.

One server for the session, stopped at its end. The CLI tests use the knowledge base named
``default``; in-process tests each use a knowledge base of their own name, so they never meet.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_testkit import chroma_server


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url
