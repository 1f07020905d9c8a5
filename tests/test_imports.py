"""The import graph (导入关系): layers import only the layers before them, one module per third-party edge.

The layer and edge rules are checked by an AST scan of every ``.py`` file of each package (imports
inside functions included), which sees code paths a runtime import would not execute. That
importing the assistant stays light is checked in a fresh interpreter (pallets/click
``tests/test_imports.py``).
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
PACKAGES = ("corpus", "index", "assistant", "ui", "evaluation")

# What each layer must not import (its own layer and those before it are fine).
FORBIDDEN = {
    "corpus": {"index", "assistant", "ui", "evaluation"},
    "index": {"assistant", "ui", "evaluation"},
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
    loaded = loaded_after("import assistant, assistant.engine, assistant.cli, corpus, index")
    assert loaded == dict.fromkeys(HEAVY, False)


def test_importing_every_corpus_index_and_assistant_module_stays_light() -> None:
    modules = sorted(
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for package in ("corpus", "index", "assistant")
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
