"""Word tables (词表文件): tab-separated data files of the assistant, read without the tokenizer.

``lexicon.tsv`` (colloquial → formal wording) and ``categories.tsv`` (the category a list question asks
for → the words a lead-in uses for it) are data, edited without touching code. Reading them needs no
jieba, so scoring and the answer-type registry stay light to import.
"""

from __future__ import annotations

from importlib import resources

from corpus.errors import PolicyAssistantError


def load_lexicon(text: str, source: str = "lexicon.tsv") -> dict[str, tuple[str, ...]]:
    """Colloquial form → formal forms from the tab-separated lexicon text (one entry a line, ``#``
    comments). A line without a formal form is an error naming the file and line."""
    out: dict[str, tuple[str, ...]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, *forms = (part.strip() for part in line.split("\t"))
        if not key or not forms or not all(forms):
            raise PolicyAssistantError(
                f"{source} 第{n}行：应为“口语说法<Tab>正式说法[<Tab>…]”，收到 {line!r}"
            )
        out[key] = tuple(forms)
    return out


def read_table(name: str) -> dict[str, tuple[str, ...]]:
    """The word table ``assistant/data/<name>`` (errors name the file and line)."""
    return load_lexicon(resources.files("assistant").joinpath("data", name).read_text(encoding="utf-8"), name)


# category a list question asks for → the words a lead-in uses for it (情况 → 情形)
CATEGORIES: dict[str, tuple[str, ...]] = read_table("categories.tsv")
