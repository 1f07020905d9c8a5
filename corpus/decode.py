"""Byte-to-text decoding (文本编码识别).

Chinese policy files arrive as UTF-8, GBK/GB18030 (older government sites and Windows Notepad),
or UTF-16 with a BOM (Word "Unicode text" exports). We try the encodings that are actually used,
strictly, before asking a statistical detector, so a file is never silently decoded into mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from corpus.errors import CorruptFile, DecodeFailure

__all__ = ["decode_bytes", "printable_ratio"]

# Longest BOM first: the UTF-8 BOM and the UTF-16 BOMs do not overlap, but order keeps it obvious.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Text that decodes but is less printable than this is binary junk or the wrong encoding.
_MIN_PRINTABLE = 0.95
# charset_normalizer's "chaos" (mess ratio, 0 = clean): above this the guess is not trusted.
_MAX_CHAOS = 0.1
_BAD_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})
_WHITESPACE = frozenset("\t\n\r\f\v")
# Like git, look for NUL bytes only in the head: text files essentially never contain them.
_NUL_SCAN_BYTES = 8192


def _common_printable() -> re.Pattern[str]:
    """Runs of characters from the blocks ordinary Chinese text is made of, all printable.

    Built from the Unicode database at import (about 25,000 code points), so it cannot disagree with
    :func:`unicodedata.category`; :func:`printable_ratio` only inspects what is left one by one.
    """
    blocks = ((0x20, 0x7E), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF01, 0xFF5E), (0x2000, 0x206F))
    good = [
        cp
        for lo, hi in blocks
        for cp in range(lo, hi + 1)
        if unicodedata.category(chr(cp)) not in _BAD_CATEGORIES
    ]
    ranges: list[tuple[int, int]] = []
    for cp in good:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{re.escape(''.join(sorted(_WHITESPACE)))}{body}]+")


_COMMON = _common_printable()


def printable_ratio(text: str) -> float:
    """Share of characters that are not control, private-use or unassigned (可打印字符比例).

    Ordinary whitespace counts as printable; format characters (soft hyphen, zero-width space) too,
    since scraped pages are full of them. Junk decoded as GB18030 lands in the private-use area.
    Common CJK/ASCII runs are skipped by one regex pass, so a 50 MB text takes a fraction of a second.
    """
    if not text:
        return 1.0
    rest = _COMMON.sub("", text)
    bad = sum(1 for ch in rest if ch not in _WHITESPACE and unicodedata.category(ch) in _BAD_CATEGORIES)
    return 1 - bad / len(text)


def _normalize_newlines(text: str) -> str:
    # Offsets downstream are into this text, so only line endings are unified: nothing else changes.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _binary(name: str, why: str) -> CorruptFile:
    return CorruptFile(f"{name}: 看起来是二进制文件而不是文本（{why}）；请提供 .txt/.docx/.pdf 等文本文档")


def _checked(text: str, name: str, encoding: str) -> tuple[str, str]:
    text = _normalize_newlines(text)
    if printable_ratio(text) < _MIN_PRINTABLE:
        raise _binary(name, f"按 {encoding} 解码后大量控制字符")
    return text, encoding


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a file's bytes and return ``(text, encoding)``.

    Order: BOM (utf-8-sig, utf-16-le/be) → strict UTF-8 → strict GB18030 (covers GBK/GB2312) →
    charset_normalizer, accepted only when confident and the result is mostly printable.
    Raises :class:`CorruptFile` for binary data and :class:`DecodeFailure` when no encoding fits;
    the byte offset in the message is 0-based (``data[offset]`` is the first undecodable byte).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(encoding.removesuffix("-sig")), name, encoding)
            except UnicodeDecodeError as exc:
                raise DecodeFailure(
                    f"{name}: 文件以 {encoding} BOM 开头，但在第 {exc.start} 字节解码失败；文件可能已损坏"
                ) from exc
    if not data:
        return "", "utf-8"
    if b"\x00" in data[:_NUL_SCAN_BYTES]:
        raise _binary(name, "含有 NUL 字节")

    try:
        return _checked(data.decode("utf-8"), name, "utf-8")
    except UnicodeDecodeError as exc:
        utf8_offset = exc.start

    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        # GB18030 maps almost any byte pair to some character; junk shows up as control/private-use chars.
        if printable_ratio(text) >= _MIN_PRINTABLE:
            return _normalize_newlines(text), "gb18030"

    guessed = _detect(data)
    if guessed is not None:
        return guessed
    raise DecodeFailure(
        f"{name}: 无法识别的文本编码（UTF-8 在第 {utf8_offset} 字节失败，GB18030 也失败）; "
        "请转换为 UTF-8 或 GB18030"
    )


def _detect(data: bytes) -> tuple[str, str] | None:
    """Ask charset_normalizer; ``None`` unless the guess is confident and decodes strictly."""
    best = from_bytes(data).best()
    # coherence == 0 means no language fits the decoded characters: a guess, not a detection.
    if best is None or best.chaos > _MAX_CHAOS or best.coherence <= 0:
        return None
    encoding = best.encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if printable_ratio(text) < _MIN_PRINTABLE:
        return None
    return _normalize_newlines(text), encoding
