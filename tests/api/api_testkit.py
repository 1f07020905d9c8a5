"""Shared helpers of the open-API tests (imported by conftest and the test modules)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

WEB_USER, WEB_PASSWORD = "zhangsan", "web-password-1"


class StepClock:
    """A clock that jumps ``step`` seconds at every reading (refills every bucket unless ``step`` is 0)."""

    def __init__(self, step: float = 3600.0) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@dataclass
class ApiServer:
    url: str
    service: Any
    keys: dict[str, str]  # name → key
    clock: StepClock
    index: Path

    @property
    def v1(self) -> str:
        return self.url + "/v1"

    def auth(self, name: str = "reader") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[name]}"}
