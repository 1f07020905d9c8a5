"""Errors raised by the corpus layer (语料处理错误)."""

from __future__ import annotations


class CorpusError(Exception):
    """Base class: a document could not be loaded; the message names the file and the problem."""


class UnsupportedFormat(CorpusError):
    pass


class DecodeFailure(CorpusError):
    pass


class EmptyDocument(CorpusError):
    pass


class FileTooLarge(CorpusError):
    pass


class CorruptFile(CorpusError):
    pass
