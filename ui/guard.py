"""The server-side role check (权限检查) every web handler runs first, and refused input as an error.

Every handler, public or private, takes the ``gr.Request`` and checks the signed-in user's role
(:mod:`ui.access`) before it does anything: read for questions, search, feedback, quizzes and the
document viewer; manage for upload, delete, re-index, cancel and feedback export. Refused writes are
audited.
"""

from __future__ import annotations

import logging

import gradio as gr

from ui import render
from ui.access import Access, AccessDenied, Role
from ui.service import WebService

log = logging.getLogger(__name__)


class Guard:
    """The server-side role check every handler runs first."""

    def __init__(self, service: WebService, access: Access, *, quiet_outsiders: bool = False) -> None:
        """``quiet_outsiders``: refuse users without any role on this knowledge base without a toast. A page
        with several knowledge bases (:mod:`ui.kb_select`) holds every one's panels, whose page-load events
        run for each user; the dropdown never offers a user the ones they may not read."""
        self.service = service
        self.access = access
        self.quiet_outsiders = quiet_outsiders

    def __call__(
        self,
        request: gr.Request | None,
        need: Role,
        action: str | None = None,
        documents: tuple[str, ...] = (),
    ) -> str | None:
        """The user name; ``gr.Error`` when the role does not allow ``need`` (a write is audited)."""
        user = getattr(request, "username", None) if request is not None else None
        try:
            self.access.require(user, need)
        except AccessDenied as exc:
            log.warning("refused %s for %s (%s)", action or need, user, exc)
            if action:
                self.service.refused(user, action, documents)
            loud = not (self.quiet_outsiders and self.access.role(user) is None)  # logged above either way
            raise gr.Error(
                render.toast(str(exc)), title="无权操作", visible=loud, print_exception=loud
            ) from exc
        return user


def rejected(exc: Exception) -> gr.Error:
    """A refused input as the error an API caller sees (never ``{"error": null}``)."""
    return gr.Error(render.toast(str(exc)), title="输入有误")
