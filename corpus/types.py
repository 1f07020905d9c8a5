"""Data that flows out of the corpus layer (文档与文本块).

Every offset is a character offset into ``SourceDoc.text``, the document text exactly as
loaded (decoded file for .txt/.md; extracted text for .html/.docx/.pdf). Nothing downstream
rewrites that text, so a citation ``text[start:end]`` is always the words the document says.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DocMeta:
    """Document metadata (文件元数据): from a ``key: value`` header, or derived from the text."""

    title: str = ""
    issuer: str = ""  # 发文机关
    date: str = ""  # ISO yyyy-mm-dd when known
    doc_number: str = ""  # 发文字号, e.g. 中发〔2021〕1号
    source_url: str = ""  # 来源
    author: str = ""  # 作者
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One loaded document (源文档).

    ``source`` is the file name as ingested and identifies the document in the index;
    ``skip`` lists ``[start, end)`` ranges of ``text`` that are not content (the metadata header,
    web boilerplate such as 责任编辑/版权所有/ICP备 lines) and are never indexed or cited.
    """

    source: str
    path: str
    fmt: str
    text: str
    meta: DocMeta = field(default_factory=DocMeta)
    skip: tuple[tuple[int, int], ...] = ()

    @property
    def doc_id(self) -> str:
        from corpus.ids import doc_id_for

        return doc_id_for(self.source)

    @property
    def fingerprint(self) -> str:
        from corpus.ids import text_hash

        return text_hash(self.text)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable passage (文本块): whole sentences inside one top-level section."""

    chunk_id: str
    doc_id: str
    source: str
    section: str  # breadcrumb, e.g. "第三章 人才支撑 > 第二十五条"
    start: int
    end: int
    text: str  # == SourceDoc.text[start:end]
    ordinal: int  # position of the chunk within its document


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """A file that could not be turned into a document, with the reason in plain words."""

    path: str
    reason: str
