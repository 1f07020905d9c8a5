"""Matching normalization with an offset map (匹配用规范化，保留回到原文的偏移映射).

Stored text is never normalized; this view exists only for tokenizing and matching. Each character
of the normalized string remembers the offset of the original character it came from, so a match
found in the normalized view maps back to an exact ``[start, end)`` span of the original.
"""

from __future__ import annotations

from dataclasses import dataclass

# Zero-width and formatting characters that scraped pages carry invisibly.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f")


def fold_char(ch: str) -> str:
    """Full-width ASCII → half-width, ideographic space → space, ASCII lowercased."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        ch = chr(code - 0xFEE0)
    elif code == 0x3000 or ch in "\t\r\xa0":
        ch = " "
    return ch.lower() if ch.isascii() else ch


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` is the normalized view; ``offsets[i]`` is the original index of ``text[i]``."""

    text: str
    offsets: tuple[int, ...]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized ``[start, end)`` back to the original text."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else self.original_length
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(text: str) -> NormalizedText:
    """Fold width and case, drop zero-width characters, collapse runs of whitespace to one space."""
    out: list[str] = []
    offsets: list[int] = []
    for i, raw in enumerate(text):
        if raw in ZERO_WIDTH:
            continue
        ch = fold_char(raw)
        if ch.isspace():
            if ch != "\n":
                ch = " "
            if out and out[-1].isspace():
                if ch == "\n" and out[-1] == " ":
                    out[-1] = "\n"  # a line break is the stronger separator; keep it
                    offsets[-1] = i  # ...and map it to the original line break, not the space
                continue
        out.append(ch)
        offsets.append(i)
    return NormalizedText("".join(out), tuple(offsets), len(text))


def normalize_text(text: str) -> str:
    """The normalized string alone, for callers that need no offsets."""
    return normalize(text).text
