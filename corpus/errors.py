"""Errors raised by the corpus layer (语料处理错误), and the root of every project error.

:class:`PolicyAssistantError` lives here, in the lowest layer, so that every layer (index, assistant,
quiz, ui, evaluation) can subclass it without importing a higher one. Its message is written for the
user (in Chinese): it names the file or parameter and the problem, and says what to do. The command
line reports any of them as one line on stderr with exit code 2.
"""

from __future__ import annotations

__all__ = [
    "CorpusError",
    "CorruptFile",
    "DecodeFailure",
    "EmptyDocument",
    "FileTooLarge",
    "PolicyAssistantError",
    "UnsupportedFormat",
]


class PolicyAssistantError(Exception):
    """Root of the project's errors (政策通错误): a user-facing message, never a traceback."""


class CorpusError(PolicyAssistantError):
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
