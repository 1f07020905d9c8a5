"""Safe by default (安全默认): the Content-Security-Policy middleware and the answer-text scrubber.

Escaping (``ui.render``) is what keeps document text inert; the CSP header is the second wall: even
if markup slipped through, the browser may load images, scripts, fonts and connections only from
this server, and no page may frame this one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Gradio's page boots from inline scripts and styles, so 'unsafe-inline' stays for those two; every
# fetch, image, font and frame is restricted to this origin (data:/blob: for Gradio's own icons).
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
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
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)


class SecurityHeadersMiddleware:
    """Pure ASGI middleware: adds :data:`SECURITY_HEADERS` to every HTTP response (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _NAMES]
                message["headers"] = headers + list(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- answer text ----------------------------------------------------------------------------------------
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\((?:[^)\n]*)\)")
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


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
