"""API keys (接口密钥): who may call the open API, on which knowledge bases, how often.

The keys file holds one JSON object per line; the key itself is never stored, only its SHA-256::

    {"name": "oa-bot", "hash": "sha256$5e88…", "roles": {"fupin": "read"}, "created": "2026-…"}

A key is ``pa-`` followed by 43 URL-safe characters from :func:`secrets.token_urlsafe` (256 random
bits), so one SHA-256 is as good as a slow password hash: there is nothing to guess a dictionary
from, and checking a key costs microseconds on every API request instead of scrypt's ~50 ms.
``policy-assistant serve --api-keys keys.jsonl --add-api-key NAME --api-key-role fupin=read`` adds
one and prints it once. Roles are those of the web login (:mod:`ui.access`): ``read`` or
``manage`` per knowledge base, ``"*"`` for every one. Keys and web users are separate: a key is not
a password and a web session does not authorize API calls.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from assistant import PolicyAssistantError
from ui.access import ROLES, Role

KEY_PREFIX = "pa-"
HASH_SCHEME = "sha256"
_NAME = re.compile(r"^[^\s:#,\"]{1,64}$")
DEFAULT_RATE_PER_MINUTE = 120
DEFAULT_BURST = 20
_MAX_BUCKETS = 10_000


class ApiKeyError(PolicyAssistantError, ValueError):
    """A keys file, key name or role that cannot be used; the message says where and what to do."""


def hash_key(key: str) -> str:
    return f"{HASH_SCHEME}${hashlib.sha256(key.encode('utf-8')).hexdigest()}"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key's name (shown in the audit log), the hash of the key and its roles per knowledge base."""

    name: str
    digest: str
    roles: Mapping[str, Role]

    def role(self, kb: str) -> Role | None:
        return self.roles.get(kb, self.roles.get("*"))


class ApiKeys:
    """The keys of a keys file, looked up by hash and compared in constant time."""

    def __init__(self, keys: Sequence[ApiKey] = ()) -> None:
        self._by_digest = {k.digest: k for k in keys}

    def __len__(self) -> int:
        return len(self._by_digest)

    def authenticate(self, presented: str) -> ApiKey | None:
        if not presented.startswith(KEY_PREFIX) or len(presented) > 256:
            return None
        digest = hash_key(presented)
        found = self._by_digest.get(digest)
        # The dict lookup is on a hash of a random key; the final comparison is constant-time anyway.
        if found is None or not hmac.compare_digest(found.digest, digest):
            return None
        return found


def parse_role_specs(specs: Sequence[str]) -> dict[str, Role]:
    """``["fupin=read", "*=manage"]`` → ``{"fupin": "read", "*": "manage"}``."""
    roles: dict[str, Role] = {}
    for spec in specs:
        kb, sep, role = spec.partition("=")
        kb, role = kb.strip(), role.strip()
        if not sep or not kb or role not in ROLES:
            raise ApiKeyError(
                f"--api-key-role {spec!r} 格式不对：应为 知识库名=read 或 知识库名=manage（* 表示所有知识库）"
            )
        roles[kb] = cast(Role, role)  # checked against ROLES above
    if not roles:
        raise ApiKeyError("请用 --api-key-role 知识库名=read（或 manage）给密钥至少一个知识库的权限")
    return roles


def _parse_line(line: str, lineno: int, origin: str) -> ApiKey:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ApiKeyError(f"{origin} 第 {lineno} 行不是 JSON：{exc.msg}（请用 --add-api-key 生成）") from exc
    if not isinstance(data, dict):
        raise ApiKeyError(f"{origin} 第 {lineno} 行应为 JSON 对象")
    name, digest, roles = data.get("name"), data.get("hash"), data.get("roles")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ApiKeyError(f"{origin} 第 {lineno} 行缺少有效的 name")
    if not isinstance(digest, str) or not re.fullmatch(rf"{HASH_SCHEME}\$[0-9a-f]{{64}}", digest):
        raise ApiKeyError(
            f"{origin} 中密钥 {name} 的 hash 无效：不接受明文密钥，请用 --add-api-key {name} 重新生成"
        )
    if not isinstance(roles, dict) or any(r not in ROLES for r in roles.values()):
        raise ApiKeyError(f'{origin} 中密钥 {name} 的 roles 应为 {{"知识库名": "read" 或 "manage"}}')
    return ApiKey(name, digest, dict(roles))


def load_api_keys(path: Path) -> ApiKeys:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ApiKeyError(f"无法读取密钥文件 {path}：{exc.strerror or exc}") from exc
    keys = [
        _parse_line(line, n, str(path))
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return ApiKeys(keys)


def add_api_key(path: Path, name: str, roles: Mapping[str, Role]) -> str:
    """Create a key, store its hash (replacing a key of the same name) and return the key (shown once)."""
    if not _NAME.match(name):
        raise ApiKeyError(f"密钥名 {name!r} 不可用：不能含空白、冒号、逗号、引号或 #，最长 64 字")
    existing = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = []
    for line in existing:
        try:
            same = json.loads(line).get("name") == name
        except (json.JSONDecodeError, AttributeError):
            same = False
        if not same:
            kept.append(line)
    key = new_key()
    entry = {
        "name": name,
        "hash": hash_key(key),
        "roles": dict(roles),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    kept.append(json.dumps(entry, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return key


# -- rate limit ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    refusing: bool = False  # the last request was refused (audit only the first refusal of a run)


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    retry_after: float = 0.0
    first_refusal: bool = False


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests on average, up to ``burst`` at once; thread-safe."""

    def __init__(
        self,
        per_minute: float = DEFAULT_RATE_PER_MINUTE,
        burst: int = DEFAULT_BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ApiKeyError("接口限速必须为正数（每分钟请求数）")
        self.rate = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, key: str) -> RateDecision:
        now = self._clock()
        with self._lock:
            b = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
            b.tokens = min(float(self.burst), b.tokens + (now - b.updated) * self.rate)
            b.updated = now
            self._buckets[key] = b
            while len(self._buckets) > _MAX_BUCKETS:
                self._buckets.popitem(last=False)
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                b.refusing = False
                return RateDecision(True)
            first = not b.refusing
            b.refusing = True
            return RateDecision(False, (1.0 - b.tokens) / self.rate, first)


# -- serve options -----------------------------------------------------------------------------------------
def add_key_command(path: Path | None, name: str, role_specs: Sequence[str]) -> int:
    """``serve --api-keys FILE --add-api-key NAME --api-key-role kb=read``: print the new key once."""
    import sys

    if path is None:
        print("错误：--add-api-key 需要同时给出 --api-keys 密钥文件", file=sys.stderr)
        return 2
    try:
        roles = parse_role_specs(role_specs)
        if path.exists():
            load_api_keys(path)  # refuse to append to a file that cannot be read back
        key = add_api_key(path, name, roles)
    except ApiKeyError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    granted = "，".join(f"{kb}={role}" for kb, role in roles.items())
    print(key)
    print(
        f"已写入密钥 {name}（{granted}）到 {path}：文件中只保存哈希，这是唯一一次显示密钥，请妥善保存。",
        file=sys.stderr,
    )
    return 0


def serve_keys(path: Path | None, per_minute: float) -> tuple[ApiKeys | None, RateLimiter]:
    """The keys and the per-key rate limit ``serve`` passes to ``ui.app.launch``; ``ApiKeyError`` if unusable."""
    limiter = RateLimiter(per_minute, max(1, min(DEFAULT_BURST, int(per_minute))))
    if path is None:
        return None, limiter
    keys = load_api_keys(path)
    if not len(keys):
        raise ApiKeyError(
            f"密钥文件 {path} 中没有密钥；先用 --add-api-key 名字 --api-key-role 知识库名=read 添加"
        )
    return keys, limiter
