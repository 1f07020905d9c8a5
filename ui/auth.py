"""Login (登录): users from a file or ``POLICY_ASSISTANT_USERS``, passwords stored as scrypt hashes.

One user per line, ``name:scrypt$n$r$p$salt_hex$hash_hex``; blank lines and ``#`` comments are
ignored. The environment variable holds the same entries separated by commas or newlines.
``policy-assistant serve --auth users.txt --add-user 张三`` appends a hashed entry.
Login throttling is :mod:`ui.throttle`, roles are :mod:`ui.access`; comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

from assistant import PolicyAssistantError

SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1
_NAME = re.compile(r"^[^\s:#,]{1,64}$")


class AuthError(PolicyAssistantError, ValueError):
    """A users file or entry that cannot be used; the message says which line and what to do."""


def hash_password(password: str, *, salt: bytes | None = None, n: int = _N, r: int = _R, p: int = _P) -> str:
    if not password:
        raise AuthError("密码不能为空")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"{SCHEME}${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != SCHEME:
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def parse_users(text: str, origin: str = "用户列表") -> dict[str, str]:
    """``{name: hash}`` from users-file text; refuses plain-text passwords."""
    users: dict[str, str] = {}
    for lineno, raw in enumerate(re.split(r"[\n,]", text), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        name = name.strip()
        if not sep or not _NAME.match(name):
            raise AuthError(f"{origin} 第 {lineno} 项格式不对：应为 用户名:scrypt$…（用 --add-user 生成）")
        if not stored.startswith(SCHEME + "$") or stored.count("$") != 5:
            raise AuthError(
                f"{origin} 中用户 {name} 的密码不是 scrypt 哈希：不接受明文密码，请用 "
                "policy-assistant serve --auth 文件 --add-user 用户名 重新生成"
            )
        users[name] = stored.strip()
    return users


def load_users(path: Path | None, env_value: str | None = None) -> dict[str, str]:
    """Users from the file (if given) and from the environment value (if set); the file wins on clashes."""
    users: dict[str, str] = {}
    if env_value:
        users.update(parse_users(env_value, "环境变量 POLICY_ASSISTANT_USERS"))
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthError(f"无法读取用户文件 {path}：{exc.strerror or exc}") from exc
        users.update(parse_users(text, str(path)))
    return users


def add_user(path: Path, name: str, password: str) -> None:
    """Append (or replace) a user in the users file, hashing the password."""
    if not _NAME.match(name):
        raise AuthError(f"用户名 {name!r} 不可用：不能含空白、冒号、逗号或 #，最长 64 字")
    existing = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in existing if line.partition(":")[0].strip() != name]
    kept.append(f"{name}:{hash_password(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    path.chmod(0o600)


def checker(
    users: Mapping[str, str], allowed: Callable[[str], bool] | None = None
) -> Callable[[str, str], bool]:
    """The ``auth`` callable Gradio calls with (username, password).

    ``allowed`` (from :mod:`ui.access`) refuses users with no role on this knowledge base, after the
    same password work, so the answer does not tell which names exist or have access.
    """
    dummy = hash_password("x", salt=b"\0" * 16)

    def check(username: str, password: str) -> bool:
        stored = users.get(username)
        ok = verify_password(password, stored or dummy)  # same work for unknown names
        return ok and stored is not None and (allowed is None or allowed(username))

    return check
