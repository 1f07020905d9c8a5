"""Regex safety (正则回溯): no pattern of the project backtracks super-linearly on adversarial input.

Every compiled ``re.Pattern`` held by a module or a class of ``corpus``, ``index``, ``assistant``,
``evaluation`` and ``ui`` is collected, and so is every literal pattern passed inline to ``re.search``
and friends (found in the source with :mod:`ast`). Each pattern is timed on inputs built from its own
pieces: runs of each of its characters, repetitions of its alternatives, and "almost matches" (a
matching prefix, a long run of one character, then a character that breaks the match) — the shapes
that make ``[^，,]*(是什么|…)[^，,]*$`` or ``\\S+\\.txt`` try every start against every end.

All inputs are screened at 1,000 characters; the slowest few go on to 10,000 and 100,000, and the
time must grow near-linearly (100k / 10k < 30, where a quadratic pattern gives ~100). A pattern that
is already slow at a small size fails there, so a quadratic one cannot stall the test run.
"""

from __future__ import annotations

import ast
import gc
import importlib
import multiprocessing
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import (  # type: ignore[import-not-found]
        ANY,
        ASSERT,
        ASSERT_NOT,
        ATOMIC_GROUP,
        BRANCH,
        CATEGORY,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        POSSESSIVE_REPEAT,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[import-not-found, no-redef]
    import sre_parse  # type: ignore[no-redef]

    ANY, ASSERT, ASSERT_NOT, BRANCH, CATEGORY, IN = (
        _c.ANY,
        _c.ASSERT,
        _c.ASSERT_NOT,
        _c.BRANCH,
        _c.CATEGORY,
        _c.IN,
    )
    LITERAL, MAX_REPEAT, MIN_REPEAT, NEGATE = _c.LITERAL, _c.MAX_REPEAT, _c.MIN_REPEAT, _c.NEGATE
    NOT_LITERAL, RANGE, SUBPATTERN = _c.NOT_LITERAL, _c.RANGE, _c.SUBPATTERN
    ATOMIC_GROUP = POSSESSIVE_REPEAT = object()

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("corpus", "index", "assistant", "evaluation", "ui")
_RE_FUNCS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
# Inline patterns built from local values (so not evaluated here), by source text; each is safe because:
DYNAMIC_ALLOWED = {
    "before + re.escape(needle) + after": "re.escape(needle) between fixed single-character lookarounds",
    "re.escape(last)": "a literal word, no repetition",
}

SMALL, MID, BIG = 1_000, 10_000, 100_000
SMALL_LIMIT = 0.05  # s on 1k characters: a linear pattern takes microseconds
MID_LIMIT = 0.5  # s on 10k characters
BIG_LIMIT = 1.0  # s on 100k characters
RATIO_LIMIT = 30  # 100k / 10k: linear ≈ 10, quadratic ≈ 100
NOISE_FLOOR = 0.05  # s; below it a ratio measures scheduler noise, not the pattern
ESCALATE = 3  # inputs per pattern that go on to 10k and 100k
PATTERN_TIMEOUT = 60  # s for all the timings of one pattern (a linear one needs a few)


@dataclass(frozen=True)
class Found:
    pattern: re.Pattern[Any]
    where: str
    uses: frozenset[str] = frozenset()  # the re methods the code calls it with; empty: unknown


# -- collecting the patterns ---------------------------------------------------------------------------
def _modules() -> Iterator[Any]:
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
            yield importlib.import_module(info.name)


def _patterns_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[Any]]:
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 2 and isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _patterns_in(item, depth + 1)


def _flags(node: ast.expr | None) -> int:
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return int(getattr(re, node.attr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    raise AssertionError(f"unreadable regex flags {ast.dump(node)}")


def _inline(path: Path) -> Iterator[tuple[Found | None, str]]:
    """Patterns passed to ``re.*`` in the source: (pattern, where), or (None, where) when the pattern is
    built from local values. F-strings over module constants are evaluated in the module."""
    rel = path.relative_to(REPO).as_posix()
    module = vars(
        importlib.import_module(rel.removesuffix(".py").replace("/", ".").removesuffix(".__init__"))
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in _RE_FUNCS
            and node.args
        ):
            continue
        where = f"{rel}:{node.lineno}"
        arg = node.args[0]
        if node.func.attr == "compile" and not isinstance(arg, ast.Constant):
            continue  # a module or class constant: collected from the module
        try:
            source = eval(compile(ast.Expression(arg), rel, "eval"), dict(module))
        except NameError:
            if ast.unparse(arg) not in DYNAMIC_ALLOWED:
                yield None, f"{where}: {ast.unparse(arg)}"
            continue
        flag_pos = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2}
        pos = flag_pos.get(node.func.attr)
        flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
        if flag_node is None and pos is not None and len(node.args) > pos:
            flag_node = node.args[pos]
        yield Found(re.compile(source, _flags(flag_node)), where, frozenset({node.func.attr})), where


_METHODS = {"search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}


def _uses() -> dict[str, set[str]]:
    """Name of a pattern constant → the methods called on it anywhere in the project (``_X.match(…)``)."""
    uses: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in _METHODS:
                    target = node.value
                    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
                    if name:
                        uses.setdefault(name, set()).add(node.attr)
    return uses


def _collect() -> tuple[list[Found], list[str]]:
    found: dict[tuple[Any, int], Found] = {}
    uses = _uses()
    for module in _modules():
        owners = [vars(module)] + [
            vars(v) for v in vars(module).values() if isinstance(v, type) and v.__module__ == module.__name__
        ]
        for namespace in owners:
            for name, value in list(namespace.items()):
                for p in _patterns_in(value):
                    used = frozenset(uses.get(name, ()))
                    found.setdefault((p.pattern, p.flags), Found(p, f"{module.__name__}.{name}", used))
    dynamic = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            for item, where in _inline(path):
                if item is None:
                    dynamic.append(where)
                else:
                    found.setdefault((item.pattern.pattern, item.pattern.flags), item)
    return list(found.values()), dynamic


PATTERNS, DYNAMIC = _collect()


# -- adversarial inputs ----------------------------------------------------------------------------------
_CATEGORY_SAMPLES = {
    "DIGIT": "1", "NOT_DIGIT": "x", "SPACE": " ", "NOT_SPACE": "x", "WORD": "a", "NOT_WORD": "，",
    "LINEBREAK": "\n", "NOT_LINEBREAK": "x",
}  # fmt: skip
_DEFAULT_CHARS = "a1 中，。\n"


def _category(code: Any) -> str:
    name = str(code).upper().removeprefix("CATEGORY_").removeprefix("UNI_").removeprefix("LOC_")
    return _CATEGORY_SAMPLES.get(name, "x")


def _class_sample(items: list[tuple[Any, Any]]) -> tuple[str, list[str]]:
    """(one character the class matches, characters it names)."""
    negate = any(op is NEGATE for op, _ in items)
    named: list[str] = []
    for op, av in items:
        if op is LITERAL:
            named.append(chr(av))
        elif op is RANGE:
            named += [chr(av[0]), chr((av[0] + av[1]) // 2)]
        elif op is CATEGORY:
            named.append(_category(av))
    if not negate:
        return (named[0] if named else "x"), named
    outside = next((c for c in "x中a1 ，。Z#" if c not in named), "\x01")
    return outside, named


def _walk(tree: Any, chars: list[str], words: list[str]) -> str:
    """An example the (sub)pattern matches; collects characters and alternatives on the way."""
    out = []
    run = ""  # consecutive literal characters ("![", "来源"): pumped as a whole too
    for op, av in tree:
        if op is not LITERAL and len(run) > 1:
            words.append(run)
        run = run + chr(av) if op is LITERAL else ""
        if op is LITERAL:
            chars.append(chr(av))
            out.append(chr(av))
        elif op is NOT_LITERAL:
            chars.append(chr(av))
            out.append("x" if chr(av) != "x" else "y")
        elif op is ANY:
            out.append("x")
        elif op is IN:
            sample, named = _class_sample(av)
            chars += [*named, sample]
            out.append(sample)
        elif op is CATEGORY:
            out.append(_category(av))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            low, _high, sub = av
            piece = _walk(sub, chars, words)
            out.append(piece * max(low, 1))
        elif op is SUBPATTERN:
            out.append(_walk(av[-1], chars, words))
        elif op is ATOMIC_GROUP:
            out.append(_walk(av, chars, words))
        elif op is BRANCH:
            alts = [_walk(b, chars, words) for b in av[1]]
            words += alts
            out.append(alts[0])
        elif op in (ASSERT, ASSERT_NOT):
            _walk(av[1], chars, words)
    if len(run) > 1:
        words.append(run)
    return "".join(out)


def _unique(items: list[str], limit: int) -> list[str]:
    return [x for x in dict.fromkeys(items) if x][:limit]


@dataclass(frozen=True)
class Shape:
    """An input of any length: ``prefix + pump * k + suffix``."""

    prefix: str
    pump: str
    suffix: str = ""

    def build(self, n: int) -> str:
        k = max(1, (n - len(self.prefix) - len(self.suffix)) // len(self.pump))
        return self.prefix + self.pump * k + self.suffix


def shapes(pattern: re.Pattern[Any]) -> list[Shape]:
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    chars: list[str] = []
    words: list[str] = []
    example = _walk(sre_parse.parse(source, pattern.flags & ~re.UNICODE), chars, words)
    chars = _unique([*chars, *_DEFAULT_CHARS], 24)
    words = _unique(words, 10)
    out = [Shape("", c) for c in chars]
    out.append(Shape("", "".join(chars)))
    out += [Shape("", w) for w in words]
    out += [Shape("", c + w) for w in words[:4] for c in ("，", " ", "中")]
    for prefix in _unique([example, *words[:6]], 7):
        for c in chars:
            out += [Shape(prefix, c), Shape(prefix, c, "\x00")]
        out.append(Shape("", prefix, "\x00"))
    return out


def _runner(found: Found) -> Callable[[str], float]:
    """Times the pattern the ways the code uses it: a search-like method (search, sub, finditer…) from
    every position, ``match``/``fullmatch`` from the start; all of them when the use is not known."""
    pattern = found.pattern
    binary = isinstance(pattern.pattern, bytes)
    uses = found.uses or _METHODS
    searches = bool(uses - {"match", "fullmatch"})

    def run(text: str) -> float:
        data: Any = text.encode("utf-8") if binary else text
        t0 = time.thread_time()  # CPU time: other processes share the 2 cores
        if searches:
            for _ in pattern.finditer(data):
                pass
        if "match" in uses:
            pattern.match(data)
        if "fullmatch" in uses:
            pattern.fullmatch(data)
        return time.thread_time() - t0

    return run


def _best(run: Callable[[str], float], text: str, repeat: int) -> float:
    """The least of ``repeat`` timings, garbage collection off: other processes share the CPU."""
    gc.disable()
    try:
        return min(run(text) for _ in range(repeat))
    finally:
        gc.enable()


# -- tests ---------------------------------------------------------------------------------------------
def test_collects_the_project_patterns() -> None:
    where = {f.where for f in PATTERNS}
    assert len(PATTERNS) > 80, len(PATTERNS)
    assert any(w.startswith("assistant.followup.") for w in where), where
    assert any(w.startswith("corpus.metadata.") for w in where), where
    assert any(w.startswith("evaluation/quizgold.py") for w in where), where


def test_no_inline_pattern_is_built_at_run_time() -> None:
    """A pattern built from local values cannot be checked here: make it a module constant."""
    assert not DYNAMIC, DYNAMIC


@pytest.mark.slow  # a child process per pattern, seconds of CPU each
def test_shapes_reach_the_known_quadratic_case() -> None:
    """The inputs include what made the old follow-up regex quadratic (a long clause with no keyword)."""
    old = re.compile(r"[，,]?[^，,]*(是什么|有哪些|是哪些|多少|几|什么时候|吗|呢)[^，,]*[？?]?$")
    run = _runner(Found(old, "old follow-up", frozenset({"sub"})))
    worst = max(shapes(old), key=lambda s: run(s.build(SMALL)))
    assert _best(run, worst.build(SMALL * 4), 2) > 8 * _best(run, worst.build(SMALL), 2)


def _verdict(found: Found) -> str | None:
    """Why the pattern is super-linear, or None."""
    run = _runner(found)
    timed = sorted(((run(s.build(SMALL)), s) for s in shapes(found.pattern)), key=lambda x: -x[0])
    slowest, shape = timed[0]
    if slowest > SMALL_LIMIT:
        return f"{found.where}: {slowest:.3f} s on 1k chars of {shape}"
    for _, shape in timed[:ESCALATE]:
        mid = _best(run, shape.build(MID), 2)
        if mid > MID_LIMIT:
            return f"{found.where}: {mid:.3f} s on 10k chars of {shape}"
        big = _best(run, shape.build(BIG), 1)
        if big > BIG_LIMIT:
            return f"{found.where}: {big:.3f} s on 100k chars of {shape}"
        if big > NOISE_FLOOR and big / mid > RATIO_LIMIT:  # measure again before blaming the pattern
            mid, big = _best(run, shape.build(MID), 5), _best(run, shape.build(BIG), 3)
            if big / mid > RATIO_LIMIT:
                return f"{found.where}: 100k/10k time ratio {big / mid:.0f} on {shape}"
    return None


def _in_child(found: Found, out: Any) -> None:
    out.send(_verdict(found))
    out.close()


@pytest.mark.parametrize(
    "found", PATTERNS, ids=[f"{f.where}:{str(f.pattern.pattern)[:40]}" for f in PATTERNS]
)
@pytest.mark.slow  # a child process per pattern, seconds of CPU each
def test_pattern_is_linear_on_adversarial_input(found: Found) -> None:
    """Timed in a child process: an exponential pattern is killed after PATTERN_TIMEOUT instead of
    hanging the run (the regex engine does not look at signals while it backtracks)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_in_child, args=(found, send), daemon=True)
    child.start()
    send.close()
    verdict = (
        receive.recv()
        if receive.poll(PATTERN_TIMEOUT)
        else f"{found.where}: no result in {PATTERN_TIMEOUT} s"
    )
    child.kill()
    child.join()
    assert verdict is None, verdict
