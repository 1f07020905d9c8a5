"""The import graph (导入关系): layers import only the layers before them, one module per third-party edge.

The layer and edge rules are checked by an AST scan of every ``.py`` file of each package (imports
inside functions and under ``TYPE_CHECKING`` included), which sees code paths a runtime import would
not execute. On the same scan: the module graph has no cycles, and ``ui``, ``evaluation`` and ``quiz``
use only the assistant's public API (``from assistant import …``) plus the exact lower-layer names
declared in :data:`SHARED`. That importing the assistant stays light is checked in a fresh interpreter
(pallets/click ``tests/test_imports.py``); the public names are checked against ``__all__`` (httpx
``tests/test_exported_members.py``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "index", "assistant", "quiz", "ui", "evaluation")

# What each layer must not import (its own layer and those before it are fine). The quiz is a peer of
# ui/ and evaluation/ that both of them consume.
FORBIDDEN = {
    "corpus": {"index", "assistant", "quiz", "ui", "evaluation"},
    "index": {"assistant", "quiz", "ui", "evaluation"},
    "assistant": {"quiz", "ui", "evaluation"},
    "quiz": {"ui", "evaluation"},
}

# The packages above the assistant and what they may import of the layers below.
CONSUMERS = ("quiz", "ui", "evaluation")
# Public modules: the API itself, the option helpers for plug-in commands, the quiz's own API.
PUBLIC_MODULES = {"assistant", "assistant.cli_options", "quiz"}
# Lower-layer names a consumer may import directly, each for a stated reason (exact names).
SHARED: dict[str, dict[str, set[str]]] = {
    "quiz": {
        # records that cross layers unchanged
        "corpus.types": {"Chunk"},
        # the quiz reads documents with the corpus's own text rules, so its sentences and sections are
        # the ones the index and the citations use
        "corpus.normalize": {"normalize_text"},
        "corpus.sentences": {"split_line"},
        "corpus.structure": {"analyse", "breadcrumb"},
        # Chinese numerals: one table and one parser for everyone (corpus/numerals.py)
        "corpus.numerals": {
            "BIG_MULTIPLIERS",
            "CN_DIGITS",
            "CN_NUMERAL_CHARS",
            "SMALL_MULTIPLIERS",
            "cn_integer",
        },
    },
    "ui": {},
    "evaluation": {
        # the root of the exception tree, from where it is defined: scoring prediction files must not
        # load the assistant (tests/evaluation/test_scoring.py::test_public_api_and_light_import)
        "corpus.errors": {"PolicyAssistantError"},
        "corpus.numerals": {
            "BIG_MULTIPLIERS",
            "CN_DIGITS",
            "CN_NUMERAL_CHARS",
            "SMALL_MULTIPLIERS",
            "number_value",
        },
        # generated gold sets (evaluation/generated*.py) are made from a corpus folder, without any
        # knowledge base: loaded, split and tokenized exactly as ingest does
        "corpus.types": {"SourceDoc"},
        "corpus.loaders": {"load_paths"},
        "corpus.sentences": {"split_line"},
        "corpus.structure": {"analyse"},
        "corpus.tokenize": {"Tokenizer", "default_tokenizer"},
        # the LangChain baseline row is a second, deliberately plain RAG system built from the index's
        # store and embedder (so both rows embed alike); it never touches the assistant's knowledge base
        "index.chroma_store": {"ChromaStore", "collection_name"},
        "index.embedder": {"DEFAULT_EMBEDDER", "Embedder", "make_embedder"},
    },
}

# Third-party packages that exactly one place may import.
OWNERS = {
    "jieba": lambda rel: rel == "corpus/tokenize.py",
    "chromadb": lambda rel: rel == "index/chroma_store.py",
    "gradio": lambda rel: rel.startswith("ui/"),
}
HEAVY = ("gradio", "torch", "sentence_transformers")


def imported_modules(source: str, package: tuple[str, ...]) -> set[str]:
    """Absolute dotted names of everything ``source`` imports; relative imports resolve to ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                names.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                names.add(node.module)
    return names


@cache
def import_table() -> dict[str, set[str]]:
    """``package/file.py`` → top-level names it imports, for every file of every package."""
    table: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            names = imported_modules(path.read_text(encoding="utf-8"), path.relative_to(REPO).parent.parts)
            table[rel] = {name.split(".")[0] for name in names}
    return table


def import_statements(source: str, package: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """``(module, names)`` for every import in ``source``: ``import a.b`` gives ``("a.b", ())``,
    ``from a import x, y`` gives ``("a", ("x", "y"))``; relative imports resolve to ``package``."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((module, tuple(alias.name for alias in node.names)))
    return found


@cache
def statement_table() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """``package/file.py`` → its import statements, for every file of every package."""
    return {
        path.relative_to(REPO).as_posix(): import_statements(
            path.read_text(encoding="utf-8"), path.relative_to(REPO).parent.parts
        )
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
    }


def module_name(rel: str) -> str:
    return rel.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def module_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports. ``from a import b`` points at module ``a.b`` when there
    is one, else at ``a``; importing ``a.b`` is not counted as importing ``a`` (the package's
    ``__init__``), so a package that re-exports its modules does not make every module a cycle."""
    table = statement_table()
    modules = {module_name(rel) for rel in table}
    graph: dict[str, set[str]] = {}
    for rel, statements in table.items():
        edges: set[str] = set()
        for module, names in statements:
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            if len(targets) < len(names) or not names:
                targets.append(module)
            for target in targets:
                while target and target not in modules:  # a name inside a module: the module
                    target = target.rpartition(".")[0]
                if target:
                    edges.add(target)
        graph[module_name(rel)] = edges - {module_name(rel)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_scan_sees_the_packages_and_their_imports() -> None:
    table = import_table()
    assert "corpus/tokenize.py" in table and "index/knowledge_base.py" in table
    assert "jieba" in table["corpus/tokenize.py"]
    assert {"corpus", "index"} <= table["index/knowledge_base.py"]


def test_imported_modules_sees_every_form_of_import() -> None:
    source = (
        "import os.path, jieba as jb\n"
        "from chromadb.config import Settings\n"
        "from . import sibling\n"
        "from ..assistant import engine\n"
        "def late():\n"
        "    import gradio\n"
    )
    assert imported_modules(source, ("index", "sub")) == {
        "os.path",
        "jieba",
        "chromadb.config",
        "index.sub",
        "index.assistant",
        "gradio",
    }
    assert imported_modules("from ..x import y\n", ("corpus", "inner")) == {"corpus.x"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_the_layers_before_them(layer: str) -> None:
    offenders = {
        rel: sorted(names & FORBIDDEN[layer])
        for rel, names in import_table().items()
        if rel.startswith(f"{layer}/") and names & FORBIDDEN[layer]
    }
    assert offenders == {}


def test_the_module_graph_has_no_cycles() -> None:
    graph = module_graph()
    assert {"assistant.engine", "quiz.generate", "ui.service"} <= graph.keys()
    assert "index.knowledge_base" in graph["assistant.engine"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": set()}
    assert cycles(graph) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_module_graph_points_from_imports_at_submodules() -> None:
    graph = module_graph()
    # `from quiz import gates, items` is an import of those two modules, not of the package
    assert {"quiz.gates", "quiz.items"} <= graph["quiz.generate"]
    # `from assistant import DocRecord` is an import of the public API (the package)
    assert "assistant" in graph["quiz.source"]


@pytest.mark.parametrize("package", CONSUMERS)
def test_consumers_use_only_the_public_api(package: str) -> None:
    """ui/, evaluation/ and quiz/ import ``assistant`` (never its modules), no index or corpus module
    but the names declared in SHARED, and only the quiz's public API (from outside the quiz)."""
    allowed = SHARED[package]
    offenders: list[str] = []
    for rel, statements in statement_table().items():
        if not rel.startswith(f"{package}/"):
            continue
        for module, names in statements:
            top = module.split(".")[0]
            if top == package or module in PUBLIC_MODULES:
                continue
            if top in ("assistant", "quiz") or (top in ("index", "corpus") and not names):
                offenders.append(f"{rel}: {module}")
            elif top in ("index", "corpus") and not set(names) <= allowed.get(module, set()):
                offenders.append(f"{rel}: {module} {sorted(set(names) - allowed.get(module, set()))}")
    assert offenders == []


def test_the_declared_shared_names_exist_and_are_used() -> None:
    """SHARED lists nothing that no longer exists or is no longer needed (so it cannot silently grow)."""
    import importlib

    used = {
        (rel.split("/")[0], module, name)
        for rel, statements in statement_table().items()
        for module, names in statements
        for name in names
    }
    for package, modules in SHARED.items():
        for module, names in modules.items():
            for name in sorted(names):
                assert hasattr(importlib.import_module(module), name), (module, name)
                assert (package, module, name) in used, f"{package} no longer imports {module}.{name}"


def test_the_public_api_is_what_all_lists() -> None:
    import assistant
    import quiz

    for package in (assistant, quiz):
        for name in package.__all__:
            assert getattr(package, name) is not None, name
    assert set(assistant.__all__) == set(assistant._EXPORTS)
    assert {"Answer", "Assistant", "Citation", "DocRecord", "Filters", "Hit", "Settings", "Turn"} <= set(
        assistant.__all__
    )
    assert "PolicyAssistantError" in assistant.__all__
    with pytest.raises(AttributeError, match="kb_internals"):
        assistant.kb_internals  # noqa: B018


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_third_party_edge_has_one_owner(library: str) -> None:
    offenders = sorted(
        rel for rel, names in import_table().items() if library in names and not OWNERS[library](rel)
    )
    assert offenders == []


def loaded_after(statement: str) -> dict[str, bool]:
    code = (
        "import json, sys\n"
        f"{statement}\n"
        f"print(json.dumps({{m: m in sys.modules for m in {list(HEAVY)!r}}}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_assistant_does_not_load_gradio_torch_or_sentence_transformers() -> None:
    loaded = loaded_after("import assistant, assistant.engine, assistant.cli, corpus, index, quiz")
    assert loaded == dict.fromkeys(HEAVY, False)


def test_every_public_name_imports_light() -> None:
    loaded = loaded_after("import assistant, quiz; [getattr(assistant, n) for n in assistant.__all__]")
    assert loaded == dict.fromkeys(HEAVY, False)


def test_the_public_api_loads_a_module_only_when_one_of_its_names_is_used() -> None:
    code = (
        "import sys, assistant\n"
        "mine = lambda: sorted(m for m in sys.modules if m.startswith(('assistant.', 'index')))\n"
        "before = mine(); assistant.InputRejected\n"
        "print(before, mine())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] ['assistant.limits']"


def test_importing_every_corpus_index_and_assistant_module_stays_light() -> None:
    modules = sorted(
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for package in ("corpus", "index", "assistant", "quiz")
        for path in (REPO / package).rglob("*.py")
    )
    assert "index.embedder" in modules and "corpus.tokenize" in modules
    loaded = loaded_after("import " + ", ".join(modules))
    assert loaded == dict.fromkeys(HEAVY, False)


def test_the_probe_would_notice_a_heavy_import() -> None:
    # json is always loaded; make sure the probe reports what is in sys.modules.
    assert loaded_after("import sys; sys.modules['torch'] = sys") == {
        "gradio": False,
        "torch": True,
        "sentence_transformers": False,
    }
