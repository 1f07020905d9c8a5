"""取消 in an ingest that does not wait for vectors (``wait=False``: the web upload, the command line's
default): a file being read when the cancel comes is not committed; the files committed before stay,
searchable by keyword, with their vectors queued. Real jieba, Chroma under ``tmp_path``; nothing is
embedded (the cancel is given from the ingest's own progress callback, no threads or clocks).
"""

from __future__ import annotations

from pathlib import Path

from index.jobs import CancelToken
from index.knowledge_base import IngestStep, KnowledgeBase

FIRST = "农机购置补贴办法\n\n第一条 农机购置补贴由县级农业农村部门受理，补贴资金直接发放到购机户。\n"
SECOND = "秸秆禁烧通知\n\n各村：秸秆禁烧期间，由村民委员会安排专人巡查。\n"


def test_a_cancel_while_a_file_is_read_keeps_it_out_and_keeps_the_committed_one(tmp_path: Path) -> None:
    first, second = tmp_path / "a-nongji.txt", tmp_path / "b-jiegan.txt"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    token = CancelToken()

    def step(s: IngestStep) -> None:
        if s.name == second.name and s.phase == "read":
            token.cancel()  # the second file's turn began: it is being read when 取消 comes

    kb = KnowledgeBase(tmp_path / "index")
    try:
        report = kb.ingest([first, second], cancel=token, step=step, wait=False)
        assert report.added == (first.name,) and report.cancelled == (second.name,)
        assert [d.source for d in kb.documents()] == [first.name]
        assert report.queued == kb.pending_vectors() > 0 and kb.stats()["vectors"] == 0
        (hit, _score), *_ = kb.keyword_search("农机购置补贴由哪个部门受理", 3)
        assert kb.chunks([hit])[hit].chunk.source == first.name
    finally:
        kb.close()
