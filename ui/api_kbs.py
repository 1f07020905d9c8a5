"""Which knowledge base an API call is for (接口的知识库选择), on a server with one or several.

A server started with ``serve --kb A=… --kb B=…`` answers the open API from each of them: the JSON
routes (:mod:`ui.json_api`) take ``kb`` with their other inputs, the OpenAI-compatible ones
(:mod:`ui.openai_api`) the request's ``model``. A call that names none goes to the first knowledge
base, so a single-knowledge-base server and every existing script behave as before.

Each knowledge base has its own :class:`ui.api_gate.Gate` (its roles, its audit log); they share the
keys and the rate limiter, and a call is authenticated (and counted) once, by the first one's gate,
then checked against the role the key (or, without keys, this machine) has on the chosen one. An
unknown name is a 404 naming it and the knowledge bases the caller may read; a known one the caller
may not read is the same 403 as on a single knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request

from ui.access import Role
from ui.api_gate import ApiError, Caller, Gate
from ui.service import WebService


@dataclass(frozen=True, slots=True)
class ApiKb:
    """One knowledge base as the API serves it: its name, service and gate."""

    name: str
    service: WebService
    gate: Gate


class ApiKbs:
    """The knowledge bases the API serves, in the server's order; the first is the default."""

    def __init__(self, kbs: Sequence[ApiKb]) -> None:
        if not kbs:
            raise ValueError("the API needs a knowledge base")
        self.all = tuple(kbs)
        self.default = self.all[0]
        self._by_name = {kb.name: kb for kb in self.all}

    def caller(self, request: Request) -> Caller:
        """Who calls (401 / 429 here, once per call), with the role on the default knowledge base."""
        return self.default.gate.caller(request)

    def role(self, caller: Caller, kb: ApiKb) -> Caller:
        """``caller`` with its role on ``kb``: the key's, or this machine's when there are no keys."""
        if kb is self.default:
            return caller
        role: Role | None = caller.key.role(kb.name) if caller.key is not None else kb.gate.local_role
        return Caller(caller.name, role, caller.key)

    def readable(self, caller: Caller) -> list[ApiKb]:
        return [kb for kb in self.all if self.role(caller, kb).allows("read")]

    def find(self, name: str | None) -> ApiKb | None:
        """The knowledge base called ``name``; the default for None or an empty name."""
        return self._by_name.get(name) if name else self.default

    def choose(self, name: str | None, caller: Caller, need: Role, request: Request) -> tuple[ApiKb, Caller]:
        """The knowledge base ``name`` names and the caller's role on it: 404 when there is none of that
        name, 403 (audited) when the role is below ``need``."""
        kb = self.find(name)
        if kb is None:
            names = "、".join(k.name for k in self.readable(caller)) or "（无）"
            raise ApiError(
                404, f"没有名为 {name} 的知识库；可用的知识库：{names}", param="kb", code="kb_not_found"
            )
        caller = self.role(caller, kb)
        kb.gate.require(caller, need, request)
        return kb, caller
