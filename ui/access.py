"""Permissions (权限): which signed-in users may read or manage this server's knowledge base.

A server serves one knowledge base, named with ``serve --kb-name`` (default ``default``), or several,
named with ``serve --kb NAME=PATH`` (:mod:`ui.kb_select`: each has its own :class:`Access`, and a user
signs in when one of them gives a role).
A permissions file (TOML) gives each user a role per knowledge base; ``"*"`` stands for every one::

    # 政策通权限：用户 = { 知识库名 = "read" | "manage" }
    [users]
    cunganbu = { default = "read" }
    "张主任" = { default = "manage", "*" = "read" }

``read`` may ask, search, rate answers and make quizzes; ``manage`` may also upload, delete,
re-index and export feedback. Users the file does not give a role for this knowledge base cannot
sign in to it. Without a permissions file nothing is limited: the local single-user mode (no
login) and every signed-in user manage, as before. The web app checks the role on the server for
every request (``ui.app``), whatever the page shows.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant import PolicyAssistantError

Role = Literal["read", "manage"]
READ: Role = "read"
MANAGE: Role = "manage"
ROLES: tuple[Role, ...] = (READ, MANAGE)
ROLE_NAMES = {READ: "只读", MANAGE: "管理"}
DEFAULT_KB = "default"


class AccessError(PolicyAssistantError, ValueError):
    """A permissions file that cannot be used; the message says where and what to do."""


class AccessDenied(PermissionError):
    """A request the user's role does not allow; the message is fit for the user."""


@dataclass(frozen=True, slots=True)
class Access:
    """The roles on one knowledge base; ``grants`` None means no limits (everyone manages)."""

    kb: str = DEFAULT_KB
    grants: Mapping[str, Role] | None = None

    @property
    def limited(self) -> bool:
        return self.grants is not None

    def role(self, user: str | None) -> Role | None:
        if self.grants is None:
            return MANAGE
        if not user:
            return None
        return self.grants.get(user)

    def allows(self, user: str | None, need: Role) -> bool:
        role = self.role(user)
        return role is not None and ROLES.index(role) >= ROLES.index(need)

    def require(self, user: str | None, need: Role) -> Role:
        """The user's role, or :class:`AccessDenied` when it is below ``need``."""
        role = self.role(user)
        if role is None:
            raise AccessDenied(f"用户 {user or '（未登录）'} 无权访问知识库 {self.kb}")
        if not self.allows(user, need):
            raise AccessDenied(f"用户 {user} 对知识库 {self.kb} 只有只读权限，不能执行此操作（需要管理权限）")
        return role


def parse_permissions(text: str, kb: str = DEFAULT_KB, origin: str = "权限文件") -> Access:
    """The roles the TOML text gives on knowledge base ``kb``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccessError(f"{origin} 不是有效的 TOML：{exc}") from exc
    users = data.get("users")
    if not isinstance(users, dict):
        raise AccessError(f'{origin} 缺少 [users] 表，例如：[users] 后写 张三 = {{ {kb} = "read" }}')
    grants: dict[str, Role] = {}
    for user, kbs in users.items():
        if not isinstance(kbs, dict):
            raise AccessError(f'{origin} 中用户 {user} 应写成 {user} = {{ 知识库名 = "read" 或 "manage" }}')
        for name, role in kbs.items():
            if role not in ROLES:
                raise AccessError(
                    f"{origin} 中用户 {user} 对 {name} 的权限 {role!r} 无效：只能是 read 或 manage"
                )
        role = kbs.get(kb, kbs.get("*"))
        if role is not None:
            grants[user] = role
    return Access(kb, grants)


def load_permissions(path: Path, kb: str = DEFAULT_KB) -> Access:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AccessError(f"无法读取权限文件 {path}：{exc.strerror or exc}") from exc
    return parse_permissions(text, kb, str(path))
