"""Saved conversations (对话记录): the store, restoring follow-up context, exports and 猜你想问 (fast).

Real SQLite files in tmp_path, real python-docx, the real follow-up resolver with the real tokenizer;
the only stand-in is the web service's document lookup (a dict), which the sidebar reads through.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest

from assistant import (
    Answer,
    Chunk,
    Citation,
    ConversationRejected,
    ConversationStore,
    DocRecord,
    IndexLayout,
    answer_from_record,
    answer_record,
    history_from,
    suggest_questions,
)
from assistant.followup import resolve
from assistant.suggest import suggestions_in
from corpus.tokenize import default_tokenizer
from index.conversations import ConversationLimits, title_from
from ui.conversation_export import export_name, to_docx, to_markdown
from ui.conversations import Conversations

LAW = (
    "社会救助暂行办法\n\n第十三章　附则\n\n"
    "第六十八条　采取虚报、隐瞒、伪造等手段，骗取社会救助资金的，由有关部门决定停止社会救助。\n\n"
    "第六十九条　违反本办法规定，构成犯罪的，依法追究刑事责任。\n\n"
    "第七十条　本办法自2014年5月1日起施行。\n"
)
DOC_ID = "d1"
TITLE = "社会救助暂行办法"


def _cite(n: int, phrase: str, section: str = "第十三章　附则") -> Citation:
    start = LAW.index(phrase)
    return Citation(n, DOC_ID, "shehui.txt", TITLE, section, start, start + len(phrase), phrase)


def _answer(question: str = "社会救助暂行办法什么时候施行？") -> Answer:
    cite = _cite(1, "本办法自2014年5月1日起施行。")
    return Answer(question, True, "自2014年5月1日起施行。[1]", "2014年5月1日", "date", (cite,))


class Clock:
    def __init__(self) -> None:
        self.ticks = itertools.count(1_700_000_000)

    def __call__(self) -> float:
        return float(next(self.ticks))


def _store(tmp_path: Path, **limits: int) -> ConversationStore:
    return ConversationStore(IndexLayout(tmp_path).conversations, ConversationLimits(**limits), Clock())


# -- the store ----------------------------------------------------------------------------------------
def test_store_keeps_turns_in_order_and_survives_reopening(tmp_path: Path) -> None:
    store = _store(tmp_path)
    conv = store.create("alice", "社会救助暂行办法什么时候施行？")
    assert conv.title == "社会救助暂行办法什么时候施行？"
    assert store.add_turn("alice", conv.id, "q1", {"answer": "a1"}) == 1
    assert store.add_turn("alice", conv.id, "q2", {"answer": "a2"}) == 2
    assert (tmp_path / "conversations.sqlite").is_file()  # in the index folder, named by IndexLayout

    reopened = ConversationStore(IndexLayout(tmp_path).conversations)
    got = reopened.get("alice", conv.id)
    assert got is not None
    assert [(t.question, t.answer) for t in got.turns] == [("q1", {"answer": "a1"}), ("q2", {"answer": "a2"})]
    assert [c.n_turns for c in reopened.conversations("alice")] == [2]


def test_one_user_never_sees_or_changes_another_users_conversation(tmp_path: Path) -> None:
    store = _store(tmp_path)
    mine = store.create("alice", "alice 的问题")
    store.add_turn("alice", mine.id, "alice 的问题", {"answer": "x"})
    store.create(None, "本机用户的问题")  # no login: the empty user name

    assert [c.title for c in store.conversations("bob")] == []
    assert [c.title for c in store.conversations("alice")] == ["alice 的问题"]
    assert [c.title for c in store.conversations(None)] == ["本机用户的问题"]
    assert store.get("bob", mine.id) is None
    with pytest.raises(ConversationRejected, match="找不到这个对话"):
        store.rename("bob", mine.id, "偷改")
    with pytest.raises(ConversationRejected, match="找不到这个对话"):
        store.add_turn("bob", mine.id, "偷加", {})
    assert store.delete("bob", mine.id) is False
    kept = store.get("alice", mine.id)
    assert kept is not None and kept.title == "alice 的问题" and len(kept.turns) == 1


def test_rename_delete_and_most_recent_first(tmp_path: Path) -> None:
    store = _store(tmp_path)
    first = store.create("u", "第一个")
    second = store.create("u", "第二个")
    store.add_turn("u", first.id, "追问", {})  # used later: listed first
    assert [c.title for c in store.conversations("u")] == ["第一个", "第二个"]
    assert store.rename("u", second.id, "  改过的  标题 ").title == "改过的 标题"
    assert {c.title for c in store.conversations("u")} == {"第一个", "改过的 标题"}
    assert store.delete("u", first.id) is True
    assert store.get("u", first.id) is None
    assert [c.title for c in store.conversations("u")] == ["改过的 标题"]


def test_limits_refuse_in_chinese_and_change_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path, conversations_per_user=2, turns_per_conversation=2, title_chars=10)
    a = store.create("u", "一")
    store.create("u", "二")
    with pytest.raises(ConversationRejected, match="达到上限 2 个"):
        store.create("u", "三")
    store.create("v", "别人不受影响")
    store.add_turn("u", a.id, "1", {})
    store.add_turn("u", a.id, "2", {})
    with pytest.raises(ConversationRejected, match=r"达到上限 2 轮.*新对话"):
        store.add_turn("u", a.id, "3", {})
    for bad, message in (
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("十一个字的对话标题啊啊", "太长（11 字），最多 10 字"),
    ):
        with pytest.raises(ConversationRejected, match=message):
            store.rename("u", a.id, bad)
    got = store.get("u", a.id)
    assert got is not None and got.title == "一" and len(got.turns) == 2
    assert len(store.conversations("u")) == 2
    assert title_from("一二三四五六七八九十十一", ConversationLimits(title_chars=10)) == "一二三四五六七八九…"
    assert title_from("a\n\tb\u200b") == "a b"


# -- restoring: follow-ups resolve against the saved turns ----------------------------------------------
def test_answer_round_trips_through_its_record() -> None:
    answer = _answer()
    restored = answer_from_record(answer.question, answer_record(answer))
    assert restored.citations == answer.citations
    assert (restored.found, restored.answer, restored.short_answer) == (True, answer.answer, "2014年5月1日")
    curated = replace(answer, debug={"curated": True, "scores": [1.0]})
    assert answer_from_record("q", answer_record(curated)).debug == {"curated": True}
    assert answer_from_record("q", answer_record(answer)).debug == {}
    broken = answer_from_record("q", {"citations": [{"n": "one"}, 3], "found": 1})
    assert broken.citations == () and broken.found and broken.question == "q"


def test_follow_up_resolves_against_a_restored_conversation(tmp_path: Path) -> None:
    store = _store(tmp_path)
    conv = store.create("u", "重点帮扶县主要任务是什么？")
    first = Answer("重点帮扶县主要任务是什么？", True, "……[1]", None, "list", (_cite(1, "第七十条"),))
    store.add_turn("u", conv.id, first.question, answer_record(first))
    saved = ConversationStore(IndexLayout(tmp_path).conversations).get("u", conv.id)
    assert saved is not None
    history = history_from(saved.turns)
    tokenizer = default_tokenizer()
    swapped = resolve("那整体推进县呢？", history, tokenizer)
    assert swapped.question == "整体推进县主要任务是什么？"
    assert swapped.prior_docs == (DOC_ID,)  # the restored answer's document is favoured
    source = resolve("这是哪个文件规定的？", history, tokenizer)
    assert source.asks_source and source.previous is not None
    assert source.previous.answer is not None and source.previous.answer.citations[0].doc_id == DOC_ID


# -- the sidebar's logic over a real store --------------------------------------------------------------
class Docs:
    """The web service's document lookup, for one document."""

    def __init__(self) -> None:
        self.remembered: list[Answer] = []
        self.assistant = self

    def doc_record(self, doc_id: str) -> DocRecord | None:
        return (
            DocRecord(DOC_ID, "shehui.txt", TITLE, "国务院", "2014-02-21", "", "", 3, 0.0)
            if doc_id == DOC_ID
            else None
        )

    def doc_text(self, doc_id: str) -> str | None:
        return LAW if doc_id == DOC_ID else None

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        return []

    def _remember(self, answer: Answer) -> tuple[str, Answer]:
        self.remembered.append(answer)
        return f"{len(self.remembered):032x}", answer


def test_sidebar_saves_restores_and_exports_per_user(tmp_path: Path) -> None:
    docs = Docs()
    convs = Conversations(docs, _store(tmp_path, turns_per_conversation=2))  # type: ignore[arg-type]
    conv_id, note = convs.save("alice", "", "社会救助暂行办法什么时候施行？", _answer())
    assert conv_id and note == ""
    assert convs.save("alice", conv_id, "第二问", _answer("第二问")) == (conv_id, "")
    kept, note = convs.save("alice", conv_id, "第三问", _answer("第三问"))
    assert kept == conv_id and "未保存" in note  # over the limit: said, and the answer still shown

    assert [label.split(" · ")[0] for label, _ in convs.choices("alice")] == [
        "社会救助暂行办法什么时候施行？"
    ]
    assert convs.choices("bob") == [] and convs.restore("bob", conv_id) is None
    restored = convs.restore("alice", conv_id)
    assert restored is not None and [t["question"] for t in restored.turns] == [
        "社会救助暂行办法什么时候施行？",
        "第二问",
    ]
    assert "2014年5月1日" in restored.turns[0]["html"] and len(docs.remembered) == 2
    assert restored.last is not None and restored.last.citations == _answer().citations

    assert convs.export("bob", conv_id, "md") == (None, "请先提问或在左侧选择一个对话，再导出")
    path, message = convs.export("alice", conv_id, "docx")
    assert path is not None and path.suffix == ".docx" and "2 轮问答" in message
    assert convs.rename("bob", conv_id, "x") == "找不到这个对话（可能已被删除）"
    assert convs.delete("bob", conv_id) == "找不到这个对话（可能已被删除）"
    assert convs.delete("alice", conv_id) == "已删除对话「社会救助暂行办法什么时候施行？」"
    assert convs.choices("alice") == []


# -- exports --------------------------------------------------------------------------------------------
def _refusal() -> Answer:
    related = (_cite(1, "依法追究刑事责任。", "第十三章　附则"),)
    return Answer("低保标准是多少？", False, "现有文件中未找到相关规定。", None, "none", related=related)


def test_markdown_export_lists_each_answers_numbered_sources() -> None:
    text = to_markdown("施行日期", [_answer(), _refusal()], Docs(), now=0)
    assert text.startswith("# 施行日期\n")
    assert "## 1. 问：社会救助暂行办法什么时候施行？" in text
    assert "答：自2014年5月1日起施行。[1]" in text
    # the section gains its article number from the document's own heading
    assert "[1] 《社会救助暂行办法》 第十三章　附则 > 第七十条 · 国务院 · 2014-02-21" in text
    assert "> 本办法自2014年5月1日起施行。" in text
    assert "## 2. 问：低保标准是多少？" in text and "答：未找到依据。现有文件中未找到相关规定。" in text
    assert "**可能相关的条文（仅供参考）：**" in text and "第六十九条" in text


def test_docx_export_opens_with_python_docx(tmp_path: Path) -> None:
    path = to_docx("施行日期", [_answer(), _refusal()], Docs(), tmp_path / "c.docx", now=0)
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert paragraphs[0] == "施行日期"
    assert "1. 问：社会救助暂行办法什么时候施行？" in paragraphs
    assert "答：自2014年5月1日起施行。[1]" in paragraphs
    assert "[1] 《社会救助暂行办法》 第十三章　附则 > 第七十条 · 国务院 · 2014-02-21" in paragraphs
    assert "本办法自2014年5月1日起施行。" in paragraphs
    assert "2. 问：低保标准是多少？" in paragraphs
    assert export_name("a/b:<c>", ".docx") == "a_b_c.docx"
    assert "/" not in export_name("../../etc/passwd", ".md") and export_name("", ".md") == "对话.md"


# -- 猜你想问 ---------------------------------------------------------------------------------------------
def test_suggestions_come_from_the_neighbouring_articles() -> None:
    got = suggest_questions(_answer(), Docs().doc_text)
    assert got == [
        "《社会救助暂行办法》第六十九条（违反本办法规定）规定了什么？",
        "《社会救助暂行办法》第六十八条（采取虚报、隐瞒、伪造等手段）规定了什么？",
    ]  # no article after 第七十条: the ones before it, nearest first; never the cited one
    assert suggest_questions(_refusal(), Docs().doc_text) == []
    middle = LAW.index("违反本办法规定")
    assert suggestions_in(TITLE, LAW, [middle], limit=1) == [
        "《社会救助暂行办法》第七十条（本办法自2014年5月1日起施行）规定了什么？"
    ]


def test_suggestions_without_articles_use_headings_then_chunk_sections() -> None:
    notice = (
        "关于做好防汛工作的通知\n一、压实防汛责任\n各地要……\n二、加强监测预警\n要……\n三、做好物资储备\n要……\n"
    )
    at = notice.index("加强监测预警")
    assert suggestions_in("防汛通知", notice, [at]) == [
        "《防汛通知》中“做好物资储备”讲了什么？",
        "《防汛通知》中“压实防汛责任”讲了什么？",
    ]
    plain = "聚焦目标任务抓统筹推进。甲乙丙。\n聚焦能力提升抓巩固拓展。丁戊。"
    sections: list[tuple[int, Any]] = [(0, "聚焦目标任务抓统筹推进。"), (16, "聚焦能力提升抓巩固拓展。")]
    assert suggestions_in("文章", plain, [1], chunk_sections=sections) == [
        "《文章》中“聚焦能力提升抓巩固拓展”讲了什么？"
    ]
