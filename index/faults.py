"""Crash points (崩溃测试钩子): named places in a write where a test may kill the process.

``POLICY_ASSISTANT_CRASH_AT=<label>`` (or ``<label>:<n>`` for the n-th time the point is reached)
makes :func:`crash_point` end the process at once with ``os._exit(137)``, as SIGKILL would: no
``finally``, no flush, no lock release. The crash-safety tests (``tests/hardening``) run a real
``policy-assistant ingest`` this way at every label in :data:`LABELS`. Unset, a point costs one
comparison. The variable is read once, at import, like every ``POLICY_ASSISTANT_*`` setting is
read in one place; it is a test hook, not a setting.
"""

from __future__ import annotations

import os

__all__ = ["LABELS", "crash_point"]

#: Every crash point, in the order an ingest passes them.
LABELS: tuple[str, ...] = (
    "after-upsert",  # a document's vectors are in Chroma, its catalog row is not committed
    "after-commit",  # the catalog row is committed, the document's stale vectors are not deleted
    "before-finish",  # every document is stored, the keyword index and manifest are not rewritten
    "after-bm25",  # the keyword index is saved, orphan vectors and the manifest are not done
    "before-manifest",  # only the manifest is left to write
)

_SPEC = os.environ.get("POLICY_ASSISTANT_CRASH_AT", "")
_LABEL, _, _NTH = _SPEC.partition(":")
_seen = 0


def crash_point(label: str) -> None:
    """End the process here (exit status 137) when the crash hook names ``label``."""
    global _seen
    if not _LABEL or label != _LABEL:
        return
    _seen += 1
    if _seen >= int(_NTH or 1):
        os._exit(137)
