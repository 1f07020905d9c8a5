"""Safe by default (安全默认): the Content-Security-Policy middleware and the answer-text scrubber.

Escaping (``ui.render``) is what keeps document text inert; the CSP header is the second wall: even
if markup slipped through, the browser may load images, scripts, fonts and connections only from
this server, and no page may frame this one.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Scripts run only from this origin, plus the inline boot scripts of Gradio's own page, which carry a
# per-response nonce (no 'unsafe-inline': markup that slipped into the page could not run a script).
# Inline styles stay allowed: Gradio sets them everywhere and they cannot run code. Every fetch, image,
# font and frame is restricted to this origin (data:/blob: for Gradio's own icons).
_CSP_REST = (
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def csp(nonce: str | None = None) -> str:
    """The Content-Security-Policy; ``nonce`` admits the inline scripts that carry it."""
    scripts = "script-src 'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(("default-src 'self'", scripts, *_CSP_REST))


CSP = csp()
OTHER_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    *OTHER_HEADERS,
)
_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
# Gradio renders its page (the app, or the login form) from a template at "/" only; uploaded or
# generated files are served elsewhere and never get a nonce, so their scripts stay blocked.
PAGE_PATHS = frozenset({"/"})
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])", re.I)
MAX_PAGE_BYTES = 16 * 1024 * 1024


def add_nonce(html: bytes, nonce: str) -> bytes:
    """Every ``<script`` tag of Gradio's page template with ``nonce="…"``.

    Safe because that page is Gradio's template, whose only dynamic parts inside scripts are JSON
    with ``<``, ``>``, ``&`` and ``'`` written as ``\\u00XX`` (no text can close a script there).
    """
    return _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', html)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds the security headers to every HTTP response (streams included).

    Gradio's HTML page is buffered once to give its inline scripts a fresh nonce; every other
    response passes through unchanged, with a CSP that allows no inline script at all.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = scope["method"] == "GET" and scope["path"] in PAGE_PATHS
        held: list[Message] = []  # the page's start message and body parts, until the last part
        size = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _NAMES]
                kind = dict(headers).get(b"content-type", b"")
                if page and kind.startswith(b"text/html") and dict(headers).get(b"content-encoding") is None:
                    message["headers"] = headers
                    held.append(message)
                    return
                message["headers"] = headers + list(SECURITY_HEADERS)
            elif held and message["type"] == "http.response.body":
                held.append(message)
                size += len(message.get("body", b""))
                if message.get("more_body", False) and size <= MAX_PAGE_BYTES:
                    return
                await _send_page(send, held)
                held.clear()
                return
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_page(send: Send, held: list[Message]) -> None:
    """Send a held page with nonces (or, when it was too large to hold, as it came, scripts blocked)."""
    start, parts = held[0], held[1:]
    body = b"".join(p.get("body", b"") for p in parts)
    more = bool(parts[-1].get("more_body", False))
    nonce = secrets.token_urlsafe(18)
    if more:  # over MAX_PAGE_BYTES: pass it on without nonces rather than hold it all
        policy = CSP
    else:
        body = add_nonce(body, nonce)
        policy = csp(nonce)
    headers = list(start["headers"])
    if not more:
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
    start["headers"] = [*headers, (b"content-security-policy", policy.encode()), *OTHER_HEADERS]
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": more})


# -- answer text ----------------------------------------------------------------------------------------
# A Markdown link or image only when its target looks like an address (scheme, path, anchor, www., a
# domain or file name): "补贴[1](二)对救助" is a citation marker followed by a numbered item, and must keep
# every character (the text is escaped afterwards anyway, so nothing is ever rendered as a link).
_TARGET = r"\(\s*<?(?:[A-Za-z][A-Za-z0-9+.\-]*:|[/\\#?.]|www\.|[A-Za-z0-9_\-]+\.[A-Za-z]{2,})[^)\n]*\)"
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _TARGET)
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]" + _TARGET)
_HTML_TAG = re.compile(
    r"<\s*/?\s*(?:img|a|script|iframe|object|embed|link|style|svg|video|audio|source)\b[^>]*>", re.I
)
_URL = re.compile(r"(?:https?|ftp|file|javascript|data):[^\s<>\"'）)，。]*|www\.[^\s<>\"'）)，。]+", re.I)
LINK_REMOVED = "〔链接已移除〕"
# Zero-width, bidi-control and other invisible format characters: a document can hide instructions
# between visible letters or reverse the displayed order of what follows (Trojan Source).
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MARKER = re.compile(r"\[(\d{1,3})\]")


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def mask_quoted_markers(text: str, quotes: Iterable[str]) -> str:
    """Turn ``[n]`` that belongs to quoted document text into ``［n］``.

    ``text`` has had its invisible characters removed (:func:`scrub_answer`); quotes are compared
    the same way. An extractive answer repeats its quote verbatim; a document that writes its own ``[1] 《国务院令》…``
    must not look like one of the answer's citation markers. Markers outside the quotes are kept.
    """
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        core = strip_invisible(quote).strip().rstrip("，；：,;:")
        if "[" not in core or len(core) < 4:
            continue
        at = text.find(core)
        while at >= 0:
            spans.append((at, at + len(core)))
            at = text.find(core, at + 1)
    if not spans:
        return text

    def swap(m: re.Match[str]) -> str:
        inside = any(lo <= m.start() and m.end() <= hi for lo, hi in spans)
        return f"［{m.group(1)}］" if inside else m.group(0)

    return _MARKER.sub(swap, text)


def scrub_answer(text: str) -> str:
    """Remove images, links and URLs from answer text (it is escaped afterwards as well).

    A policy document may quote a web page; the answer must never make the browser fetch anything.
    Citation markers such as ``[1]`` are kept.
    """
    text = strip_invisible(text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _HTML_TAG.sub("", text)
    return _URL.sub(LINK_REMOVED, text)


def forwarded_allow_ips(proxies: Iterable[str]) -> str:
    """uvicorn's ``forwarded_allow_ips`` for ``--trusted-proxy`` addresses ('' trusts no one).

    Only these peers may say, in ``X-Forwarded-For``, which address a request comes from; from any
    other peer (loopback included) the header is ignored. Raises ``ValueError`` naming a bad entry.
    """
    nets = []
    for proxy in proxies:
        try:
            nets.append(str(ipaddress.ip_network(proxy.strip().strip("[]"), strict=False)))
        except ValueError as exc:
            raise ValueError(
                f"--trusted-proxy {proxy!r} 不是 IP 地址或网段（例如 127.0.0.1、10.0.0.0/8、::1）"
            ) from exc
    return ",".join(nets)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
