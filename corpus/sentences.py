"""Sentence splitting with exact spans (分句).

Sentences end at 。！？； (and ! ? ;), at line breaks, and never inside a quotation “…” or
（…）: a 。 inside quotes belongs to the quoted sentence, and the closing quote stays with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.structure import Line

ENDERS = frozenset("。！？；!?;")
OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》"}
CLOSERS = frozenset(OPENERS.values()) | frozenset("\"'")
_WS = " \t\u3000\xa0"
_ENDER = re.compile(f"[{re.escape(''.join(sorted(ENDERS)))}]")
_SPECIAL = re.compile(f"[{re.escape(''.join(sorted(ENDERS | OPENERS.keys() | set(OPENERS.values()))))}]")


def split_line(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield ``[s, e)`` spans of the sentences of ``text[start:end]`` (one line), trimmed of blanks."""
    depth: list[str] = []
    sent_start = start
    i = start
    while i < end:
        # Jump to the next character that can matter (an opener, a closer or a sentence end): the
        # scan runs in C, so a 50 MB single-line file is split in seconds, not minutes.
        found = _SPECIAL.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch in OPENERS:
            depth.append(OPENERS[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
            if not depth and ch in "”’」』" and i > start and text[i - 1] in ENDERS:
                # “要抓好落实。”随后… : a quoted sentence that ends inside its quotes ends the sentence.
                yield from _trimmed(text, sent_start, i + 1)
                sent_start = i + 1
        elif ch in ENDERS and not depth:
            j = i + 1
            while j < end and (text[j] in ENDERS or text[j] in CLOSERS):
                j += 1
            yield from _trimmed(text, sent_start, j)
            sent_start = i = j
            continue
        i += 1
    if depth and sent_start < end:
        # Unbalanced quote: fall back to splitting the rest without quote awareness.
        yield from _split_plain(text, sent_start, end)
        return
    yield from _trimmed(text, sent_start, end)


def _split_plain(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    s = start
    for found in _ENDER.finditer(text, start, end):
        yield from _trimmed(text, s, found.end())
        s = found.end()
    yield from _trimmed(text, s, end)


def _trimmed(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while s < e and text[s] in _WS:
        s += 1
    while e > s and text[e - 1] in _WS:
        e -= 1
    if e > s:
        yield s, e


def split_sentences(text: str, lines: list[Line]) -> list[tuple[int, int, Line]]:
    """All sentences of the body, each with the line (and so the section path) it belongs to."""
    return [(s, e, line) for line in lines for s, e in split_line(text, line.start, line.end)]


def reading_units(text: str) -> list[tuple[int, int]]:
    """The sentences an answer is read from (阅读单元): :func:`split_line` spans, split again at line
    breaks inside them, stripped. The evidence reader scores them and the index stores a vector for
    each, so both must cut a passage the same way."""
    out = []
    for s, e in split_line(text, 0, len(text)):
        pos = s
        for part in text[s:e].split("\n"):
            stripped = part.strip()
            if stripped:
                off = pos + part.index(stripped)
                out.append((off, off + len(stripped)))
            pos += len(part) + 1
    return out
