"""The web service (网页服务): one shared assistant for every browser session, without Gradio.

All sessions share one :class:`Assistant` (one knowledge-base handle). Writes (upload, delete,
re-index) take ``_write`` so that they run one at a time inside this process, as the knowledge
base's single-writer lock requires; reads never take it, so chatting continues during an upload.
Every write is recorded in the knowledge base's audit log (``index/audit.py``) with the user who
asked for it, the documents and the result, also when it fails.

Uploads and re-indexes do not embed in the request (先可检索，后补向量): they commit the catalog and the
keyword index and queue the vectors, so a new file answers keyword questions within seconds. The
vectors of those, and of documents a command-line ``ingest`` queued, are filled by a background thread
(:class:`ui.vector_filler.VectorFiller`) that embeds one small batch at a time between the other
writes; :meth:`WebService.vector_status` and :meth:`WebService.vector_eta` tell the knowledge-base page
where each document is (queued / vectors n/N with the time left / ready). Upload jobs (keeping the
files, cancel) are in :mod:`ui.upload_jobs`; the checks an uploaded file must pass, in
:mod:`ui.upload_checks`.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant import (
    Answer,
    Assistant,
    AuditLog,
    CancelToken,
    DocRecord,
    DocVectors,
    Hit,
    IndexLocked,
    IngestReport,
    InputRejected,
    PolicyAssistantError,
    ProgressFn,
    Settings,
    StepFn,
    Turn,
    audit_log,
    check_question,
)
from ui.feedback import FeedbackStore
from ui.security import mask_quoted_markers, strip_invisible
from ui.upload_checks import UploadResult, check_uploads, same_content
from ui.upload_jobs import details, forget, job_result, keep, put_back, set_aside_dropped
from ui.vector_filler import VectorFiller

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
# The background vector filler: a small batch holds the write lock briefly, so an upload waits seconds
# at most (vectors do not depend on how passages are batched).
FILL_BATCH = 8
_ANSWER_CACHE = 2000
_TEXT_CACHE = 16


class ServiceError(PolicyAssistantError, ValueError):
    """A request the service refuses, with a message fit for the user."""


class WebService:
    def __init__(
        self,
        settings: Settings,
        data_dir: Path | None = None,
        *,
        assistant: Assistant | None = None,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
        sources: Sequence[Path] = (),
        fill_vectors: bool = True,
    ) -> None:
        self.settings = settings
        self.assistant = assistant or Assistant(settings)
        self.data_dir = data_dir or settings.index_dir / "web"
        self.uploads_dir = self.data_dir / "uploads"
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        self.feedback = FeedbackStore(self.data_dir / "feedback.sqlite")
        self.audit: AuditLog = audit_log(settings.index_dir)
        self.max_upload_bytes = max_upload_bytes
        self.sources = tuple(sources)  # folders/files given at start; re-index reads them again
        self._write = threading.Lock()
        self._lock = threading.Lock()
        self._job: CancelToken | None = None  # the running upload or re-index, which 取消 stops
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._texts: OrderedDict[str, str | None] = OrderedDict()
        self._records: dict[str, DocRecord] | None = None
        # The background vector filler; ``fill_vectors=False`` leaves it unstarted (``fill_vectors_once``).
        self.filler = VectorFiller(self.fill_vectors_once)
        if fill_vectors:
            self.filler.start()

    @property
    def streaming(self) -> bool:
        return self.settings.llm_enabled

    # -- questions --------------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = ()) -> tuple[str, Answer]:
        question = _clean_question(question)
        return self._remember(self.assistant.ask(question, history))

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[str | tuple[str, Answer]]:
        """Accumulated answer text while it is produced, then ``(answer_id, Answer)``."""
        question = _clean_question(question)
        text = ""
        for piece in self.assistant.stream(question, history):
            if isinstance(piece, Answer):
                yield self._remember(piece)
                return
            text += piece
            yield text

    def search(self, question: str, k: int = 10) -> list[Hit]:
        return self.assistant.search(_clean_question(question), max(1, min(int(k), 50)))

    def answer(self, answer_id: str) -> Answer | None:
        with self._lock:
            return self._answers.get(answer_id)

    def _remember(self, answer: Answer) -> tuple[str, Answer]:
        answer_id = uuid.uuid4().hex
        with self._lock:
            self._answers[answer_id] = answer
            while len(self._answers) > _ANSWER_CACHE:
                self._answers.popitem(last=False)
        return answer_id, answer

    def record_feedback(self, answer_id: str, rating: str, comment: str = "") -> int:
        answer = self.answer(answer_id)
        if answer is None:
            raise ServiceError("找不到这条回答（可能服务已重启），请重新提问后再评价")
        return self.feedback.add(
            question=answer.question, answer=answer.answer, citations=[c.to_dict() for c in answer.citations],
            rating=rating, comment=comment, found=answer.found, answer_id=answer_id,
        )  # fmt: skip

    # -- documents (DocLookup for ui.render) --------------------------------------------------------
    def documents(self) -> list[DocRecord]:
        return self.assistant.documents()

    def doc_record(self, doc_id: str) -> DocRecord | None:
        with self._lock:
            records = self._records
        if records is None or doc_id not in records:
            records = {d.doc_id: d for d in self.documents()}
            with self._lock:
                self._records = records
        return records.get(doc_id)

    def doc_text(self, doc_id: str) -> str | None:
        with self._lock:
            if doc_id in self._texts:
                self._texts.move_to_end(doc_id)
                return self._texts[doc_id]
        text = self.assistant.document_text(doc_id)
        with self._lock:
            self._texts[doc_id] = text
            while len(self._texts) > _TEXT_CACHE:
                self._texts.popitem(last=False)
        return text

    def _changed(self) -> None:
        with self._lock:
            self._records = None
            self._texts.clear()

    # -- writes (one at a time) ---------------------------------------------------------------------
    def upload(
        self,
        files: Sequence[tuple[str, Path]],
        progress: ProgressFn | None = None,
        *,
        user: str | None = None,
        step: StepFn | None = None,
    ) -> UploadResult:
        """Check, keep and ingest uploaded files given as (original name, temporary path).

        Returns once the files are searchable by keyword (no embedding here); their vectors are queued
        for the background filler. A file that fails to load is reported and the others are imported.
        While another upload or re-index runs, the files are refused at once with :data:`BUSY_JOB`
        rather than left waiting without a word (``step``: see :meth:`KnowledgeBase.ingest`; cancel:
        see :meth:`cancel`)."""
        accepted, rejected = check_uploads(files, self.max_upload_bytes, self.assistant.duplicate_of)
        names = [name for name, _ in accepted]
        refused = {"rejected": [f"{name}：{why}" for name, why in rejected]} if rejected else {}
        if not accepted:
            self.audit.record(user, "upload", [n for n, _ in rejected], "rejected", **refused)
            return UploadResult(None, tuple(rejected))
        if self.job_running():
            self.audit.record(user, "upload", names, "busy", reason=BUSY_JOB, **refused)
            return UploadResult(None, (*rejected, *((name, BUSY_JOB) for name in names)))
        with self._write, self._audited(user, "upload", names, refused):
            kept, aside = keep(self.uploads_dir, accepted)
            try:
                with self._job_token() as token:
                    report = self.assistant.ingest(
                        kept, progress=progress, cancel=token, step=step, wait=False
                    )
                forget(kept, aside, report.cancelled)
            except IndexLocked as exc:  # a command-line ingest is writing: refuse now, leave nothing pending
                put_back(kept, aside)
                self.audit.record(user, "upload", names, "busy", reason=str(exc), **refused)
                return UploadResult(None, (*rejected, *((name, BUSY) for name in names)))
            finally:
                set_aside_dropped(aside)
            self._changed()
            self.audit.record(user, "upload", names, job_result(report), **details(report), **refused)
        self.filler.wake()  # the vectors of what was just stored
        return UploadResult(
            report, tuple(rejected), same_content(self.documents(), report.added + report.updated)
        )

    def delete(self, key: str, *, user: str | None = None) -> DocRecord | None:
        with self._write, self._audited(user, "delete", [key]):
            try:
                rec = self.assistant.remove(key)
            except IndexLocked as exc:  # a command-line ingest is writing: say so, change nothing
                self.audit.record(user, "delete", [key], "busy", reason=str(exc))
                raise ServiceError(BUSY_WRITE.format(action="删除")) from exc
            if rec is not None:
                stored = self.uploads_dir / rec.source
                if stored.is_file():
                    stored.unlink()
            self._changed()
            if rec is None:
                self.audit.record(user, "delete", [key], "not_found")
            else:
                self.audit.record(user, "delete", [rec.source], "ok", doc_id=rec.doc_id, chunks=rec.n_chunks)
        return rec

    def reindex(
        self, progress: ProgressFn | None = None, *, user: str | None = None, step: StepFn | None = None
    ) -> IngestReport:
        """Read the start-up folders and the uploaded files again; changed files are searchable by keyword
        when this returns, their vectors queued for the background filler."""
        paths = [p for p in (*self.sources, self.uploads_dir) if p.exists()]
        with self._write, self._audited(user, "reindex", [str(p) for p in paths]):
            try:
                with self._job_token() as token:
                    report = self.assistant.ingest(
                        paths, progress=progress, cancel=token, step=step, wait=False
                    )
            except IndexLocked as exc:
                self.audit.record(user, "reindex", [str(p) for p in paths], "busy", reason=str(exc))
                raise ServiceError(BUSY_WRITE.format(action="重新索引")) from exc
            self._changed()
            changed = [*report.added, *report.updated]
            self.audit.record(user, "reindex", changed, job_result(report), **details(report))
        self.filler.wake()
        return report

    def job_running(self) -> bool:
        """Whether an upload or re-index is running (导入任务进行中)."""
        with self._lock:
            return self._job is not None

    def cancel(self) -> bool:
        """Stop the running upload or re-index before its next commit (取消). False when none runs.

        A file not yet committed (queued, or being read and chunked) is discarded: it is not stored and
        its upload is taken back from the uploads folder. A file already committed stays: it is
        searchable by keyword and its vectors keep being filled in the background. Cancelling does not
        stop or drop those vectors: a document without them would be keyword-only for good (and
        dequeuing them would only make the next write embed them in its request), and removing a file
        the user already sees as stored would lose it silently; a stored file the user does not want is
        deleted (删除), which also drops its queued vectors.
        """
        with self._lock:
            job = self._job
        if job is None:
            return False
        job.cancel()
        return True

    @contextmanager
    def _job_token(self) -> Iterator[CancelToken]:
        token = CancelToken()
        with self._lock:
            self._job = token
        try:
            yield token
        finally:
            with self._lock:
                self._job = None

    def refused(self, user: str | None, action: str, documents: Sequence[str] = ()) -> None:
        """Record a write the user's role did not allow."""
        self.audit.record(user, action, documents, "denied")

    @contextmanager
    def _audited(
        self, user: str | None, action: str, documents: Sequence[str], extra: Any = None
    ) -> Iterator[None]:
        """Record a write that raised (the normal outcome is recorded by the caller)."""
        try:
            yield
        except ServiceError:
            raise  # refused in words, and already recorded by the caller
        except Exception as exc:
            self.audit.record(
                user, action, documents, f"error: {type(exc).__name__}: {exc}"[:500], **(extra or {})
            )
            raise

    # -- vectors filled in the background (index.embed_queue) -------------------------------------------
    def vector_status(self) -> dict[str, DocVectors]:
        """Per-document vector state by doc id: ``.state`` queued | embedding | ready, ``.label`` in Chinese."""
        return self.assistant.vector_status()

    def pending_vectors(self) -> int:
        return self.assistant.pending_vectors()

    def vector_eta(self, pending: int) -> float | None:
        """Seconds the background filler needs for ``pending`` more passages at its recent rate."""
        return self.filler.eta(pending)

    @property
    def fill_error(self) -> str | None:
        """The last failure of the background filler (it retries), or None."""
        return self.filler.error

    def fill_vectors_once(self) -> int:
        """Embed one batch of queued vectors between other writes; passages embedded (0: none queued)."""
        with self._write:
            return self.assistant.embed_one_batch(FILL_BATCH)

    def close(self) -> None:
        self.filler.close()
        with self._write:
            self.feedback.close()
            self.assistant.close()


BUSY = "索引正被另一个进程写入（命令行导入？），请稍后再上传"
BUSY_JOB = "正在导入另一批文件，请等它完成或点取消后再上传"
BUSY_WRITE = "索引正被另一个进程写入（命令行导入？），请稍后再{action}"


def _clean_question(question: str) -> str:
    try:
        return check_question(question)
    except InputRejected as exc:
        raise ServiceError(str(exc)) from exc


def answer_payload(
    answer_id: str, answer: Answer, lookup: Callable[[str], DocRecord | None]
) -> dict[str, Any]:
    """JSON-able answer for the API: ``Answer.to_dict()`` plus its id and each source's issuer and date."""
    data = answer.to_dict()
    data["answer"] = mask_quoted_markers(strip_invisible(data["answer"]), [c.quote for c in answer.citations])
    data["answer_id"] = answer_id
    for key in ("citations", "related"):
        for item in data[key]:
            rec = lookup(item["doc_id"])
            item["issuer"] = rec.issuer if rec else ""
            item["date"] = rec.date if rec else ""
    return data
