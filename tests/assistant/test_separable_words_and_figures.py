"""Words written apart, figures a question asks and national rules first.

- A verb and its object written apart (离合词: 落了户, 设个卡子) are read as the word the documents use
  (落户, 设卡); 个人, 每个月 and 收点养护费 are not.
- 多宽 / 多远 ask a length (两米); 算哪一级 asks a grade, 哪一级政府 a body; 承包期多长 asks a period
  (三十年至五十年).
- A how-much question is answered only by a sentence that states a figure (过半数 and 5‰ are figures);
  when none does, the documents do not state it.
- A question naming no region nor document weighs one region's documents below national ones.
- 多少年 is answered by a count of years (长江十年禁渔); “X”是干啥用的 asks a definition, answered by what
  follows 是指, never by the article number.
- An answer reads its sentence past a ； (…提出书面申请；本人申请有困难的，可以委托村民委员会…), and a may-I
  question reads a numbered item from the lead-in that prohibits it (禁止下列行为：（一）上坟烧纸…).
"""

from __future__ import annotations

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase, records

from assistant.answer_types.deadline import DEADLINE
from assistant.answer_types.yesno import YESNO
from assistant.answerer import Answerer
from assistant.clauses import clause_span
from assistant.docmatch import document_hints
from assistant.extract import dates, quantities
from assistant.neighbours import second_sentence
from assistant.policy import DEFAULT_POLICY
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.term_match import separated_words
from assistant.types import Hit
from corpus.tokenize import default_tokenizer
from corpus.types import Chunk

KNOWN = {"落户", "设卡", "报案", "收养", "收费"}


def _separated(question: str) -> list[str]:
    return separated_words(question, default_tokenizer().words(question), KNOWN.__contains__)


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("外地小伙到俺村落了户，能分红吗", ["落户"]),
        ("想在村口设个卡子，行不行", ["设卡"]),
        ("庄稼让水淹了，报了案，咋定损", ["报案"]),
        ("跟过路大车收点养护费，行不行", []),  # 收点养护费 is no 收养
        ("一个人每个月能领多少", []),  # a numeral or demonstrative before 个 counts
        ("村里有个人在群里乱发预报", []),  # 个人 is a word of its own
    ],
)
def test_a_verb_and_its_object_written_apart_are_one_word(question: str, words: list[str]) -> None:
    assert _separated(question) == words


def test_the_reader_weighs_the_word_the_documents_use() -> None:
    terms = {t.text for t in KB.reader().terms(analyse("村里想在村口设个卡子，跟过路车收钱，行不行？"))}
    assert "设卡" in terms


ROAD = Doc(
    "road",
    "某某省农村公路条例",
    "某某省农村公路条例\n"
    "第八条 禁止任何单位和个人在农村公路上非法设卡、收费和拦截车辆。\n"
    "第九条 小型集中供水工程输水主管两侧各一米范围内为保护范围。\n"
    "第十条 全省设立统一的公路服务电话，并向社会公布。\n"
    "第十一条 理事会作出决定，应当经全体理事过半数同意。",
)
KB = FakeKnowledgeBase([ROAD])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


def test_how_wide_asks_a_length_and_is_answered_by_one() -> None:
    info = analyse("小型供水工程的主水管，两边多宽以内是保护范围？")
    assert info.qtype == "number" and info.unit == "米"
    assert [q.text for q in quantities("输水主管两侧各两米范围内")] == ["两米"]
    answer = ANSWERER.answer("小型供水工程的主水管，两边多宽以内是保护范围？")
    assert answer.found and answer.short_answer == "一米"


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("镇上一处滑坡死了5个人，这算哪一级的地质灾害？", "classification"),
        ("这起事故属于哪一级？", "classification"),
        ("低保由哪一级政府审批？", "procedure"),
        ("草场承包的话承包期多长？", "deadline"),
    ],
)
def test_the_verb_before_a_grade_and_a_period_asked_by_its_name(question: str, qtype: str) -> None:
    assert analyse(question).qtype == qtype


def test_a_term_with_its_range_is_one_period() -> None:
    assert [d.text for d in dates("草地的承包期为三十年至五十年。")] == ["三十年至五十年"]


def test_shares_without_digits_are_figures() -> None:
    assert [q.text for q in quantities("应当经全体理事过半数同意")] == ["过半数"]
    assert [q.text for q in quantities("按日加收5‰的滞纳金")] == ["5‰"]
    assert [q.text for q in quantities("每日加收千分之五")] == ["千分之五"]


def test_a_how_much_question_needs_a_sentence_that_states_a_figure() -> None:
    phone = ANSWERER.answer("全省统一的公路服务电话号码是多少？")
    assert not phone.found  # the clause sets up the line but states no number
    votes = ANSWERER.answer("理事会定一件事，得多少理事同意？")
    assert votes.found and votes.short_answer == "过半数"


def test_national_rules_come_first_when_no_region_is_named() -> None:
    docs = records("社会救助暂行办法", "浙江省社会救助条例")
    plain = document_hints(analyse("特困供养咋申请？"), docs, DEFAULT_POLICY)
    assert plain.weights == {"d1": DEFAULT_POLICY.regional_weight}
    named = document_hints(analyse("浙江特困供养咋申请？"), docs, DEFAULT_POLICY)
    assert named.weights == {"d1": DEFAULT_POLICY.region_weight}


def test_a_count_of_years_answers_how_many_years() -> None:
    info = analyse("一号文件说长江禁渔要坚持多少年？")
    spans = DEADLINE.spans(info, "坚定推进长江十年禁渔，强化长江珍稀濒危物种拯救。")
    assert [s.text for s in spans] == ["十年"]
    assert DEADLINE.spans(info, "2025年要全面完成。") == []  # a calendar year is no count of years


@pytest.mark.parametrize(
    "question",
    ["区里说要编“防汛专项规划”，这个规划到底是干啥用的？", "上面让把“防汛预案”做细，这个预案到底是个啥？"],
)
def test_what_a_quoted_thing_is_for_asks_its_definition(question: str) -> None:
    assert analyse(question).qtype == "definition"


@pytest.mark.parametrize(
    ("sentence", "terms", "short"),
    [
        (
            "第二条 本法所称农村土地，是指农民集体所有的耕地、林地、草地，以及其他依法用于农业的土地。",
            ["农村土地"],
            "农民集体所有的耕地、林地、草地，以及其他依法用于农业的土地",
        ),
        ("第十六条 申请特困人员供养，由本人提出书面申请。", ["特困人员供养"], "申请特困人员供养"),
    ],
)
def test_a_clause_answer_says_what_the_term_is_without_its_article_number(
    sentence: str, terms: list[str], short: str
) -> None:
    span = clause_span(sentence, terms)
    assert span is not None and span.text == short and sentence[span.start : span.end] == short


SUPPORT = Doc(
    "support",
    "某某县特困人员供养办法",
    "某某县特困人员供养办法\n"
    "第十六条 申请特困人员供养，由本人向户籍所在地的乡镇人民政府提出书面申请；"
    "本人申请有困难的，可以委托村民委员会代为提出申请。\n"
    "第十七条 乡镇人民政府应当自受理申请之日起20个工作日内完成审核。",
)


def test_an_answer_reads_its_sentence_past_the_semicolon() -> None:
    kb = FakeKnowledgeBase([SUPPORT])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("村里老人想申请特困供养，要向哪个部门提出？")
    assert answer.found and "委托村民委员会代为提出申请" in answer.answer
    (cite,) = answer.citations  # one sentence, one quote
    assert "由本人" in cite.quote and "委托村民委员会" in cite.quote
    assert SUPPORT.text[cite.start : cite.end] == cite.quote


FIRE = Doc(
    "fire",
    "某某省森林防火条例",
    "某某省森林防火条例\n"
    "第二十三条 护林员应当巡山护林，发现火情及时报告。"
    "第二十四条 在森林防火区野外禁止下列行为：（一）上坟烧纸、烧香点烛等；（二）烧灰积肥；（三）烧荒烧炭。"
    "第二十五条 村民委员会应当组织村民学习森林防火知识。",
)


def test_an_item_of_a_prohibition_is_read_with_its_lead_in() -> None:
    kb = FakeKnowledgeBase([FIRE])
    question = "村里有人在山上烧灰积肥，行不行？"
    reading = kb.reader().read(analyse(question), kb.retrieve(question))
    items = [ev for ev in reading.evidence if "烧灰积肥" in ev.text]
    assert items and all(ev.text.startswith("第二十四条 在森林防火区野外禁止下列行为：") for ev in items)
    assert all(FIRE.text[ev.start : ev.end] == ev.text and ev.fit == 1.0 for ev in items)
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(question)
    assert answer.found and answer.short_answer == "不能" and "烧灰积肥" in answer.answer
    # A lead-in that says only how its items are decided is no verdict on them.
    assert not YESNO.reads_lead_in("涉及村民利益的下列事项，经村民会议讨论决定方可办理：")


def test_what_continues_the_sentence_is_read_wherever_it_ranks() -> None:
    text = "第五条 财务收支情况应当每月公布一次；一般事项至少每季度公布一次。"
    chunk = Chunk("c1", "open", "open.txt", "第五条", 0, len(text), text, 0)
    hit = Hit(chunk, "某某省村务公开条例", "", "2024-01-01", 1.0)
    cut = text.index("一般")

    def sentence(start: int, end: int, score: float) -> Evidence:
        return Evidence(hit, start, end, text[start:end], 0.5, 1.0, score, ())

    best, following = sentence(0, cut, 1.0), sentence(cut, len(text), 0.6)
    others = [sentence(0, 3, 0.9)] * DEFAULT_POLICY.second_window  # better-scoring sentences before it
    assert second_sentence(best, [best, *others, following], ["财务收支"]) is following
