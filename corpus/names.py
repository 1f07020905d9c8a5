"""Document names (文件名): one rule for the command line and web uploads, and a safe way to show them.

A document is known by its file name: it is listed, cited and written to the audit log. A name with a
control character (ESC, a line break, NUL), a bidirectional override (which makes ``gpj.exe`` look like
``exe.jpg``) or bytes that are not UTF-8 (kept by Python as lone surrogates) could rewrite the user's
terminal or spoof another name, so :func:`name_problem` refuses it wherever a document enters.
:func:`visible` shows any text, including names already stored, with such characters escaped.
"""

from __future__ import annotations

import unicodedata

from corpus.errors import CorpusError

__all__ = ["UnsafeName", "check_name", "name_problem", "visible"]

# Bidirectional controls are format characters (Cf); the others of that class (zero-width joiner, soft
# hyphen) occur in real names, so only these are refused. All of them are escaped when shown.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


class UnsafeName(CorpusError):
    """A file name with control characters; the message shows the name escaped."""


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _shown_raw(ch: str) -> bool:
    return ch != "\\" and unicodedata.category(ch) not in _ESCAPED_CATEGORIES


def visible(text: str) -> str:
    """``text`` safe to print: control, format and undecodable characters as ``\\x1b``, ``\\n``, ``\\u202e``.

    A backslash is doubled only when something else was escaped, so ordinary Windows-style text reads as
    before while an escaped name cannot be confused with one that really contains ``\\x1b``.
    """
    if all(_shown_raw(ch) or ch == "\\" for ch in text):
        return text
    return "".join(ch if _shown_raw(ch) else "\\\\" if ch == "\\" else _escape(ch) for ch in text)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a document's name (in Chinese), or None when it can."""
    bad = sorted({ch for ch in name if ch in _BIDI or unicodedata.category(ch) in _REFUSED_CATEGORIES})
    if not bad:
        return None
    if any(unicodedata.category(ch) == "Cs" for ch in bad):
        return "文件名不是有效的 UTF-8 编码，请改名后再导入"
    return f"文件名含控制字符（{'、'.join(_escape(ch) for ch in bad)}），请改名后再导入"


def check_name(name: str) -> None:
    """Raise :class:`UnsafeName` (message: the name escaped, then the problem) if ``name`` is refused."""
    problem = name_problem(name)
    if problem is not None:
        raise UnsafeName(f"{visible(name)}: {problem}")
