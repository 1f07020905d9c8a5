"""The category a list question asks for (列举对象) and everyday words for legal acts (词表).

哪些条件 is answered by a lead-in announcing 下列条件, not by another list that happens to share the
question's words (…纠纷包括：); 被驳回了不服咋办 finds the clause on a 不予批准 decision.
"""

from __future__ import annotations

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answer_types.enumeration import asked_category, category_fits
from assistant.answerer import Answerer
from assistant.lexicon import expansions
from assistant.word_tables import CATEGORIES, load_lexicon
from corpus.errors import PolicyAssistantError

ZHONGCAI = Doc(
    "zhongcai",
    "某某县承包地纠纷仲裁办法",
    "某某县承包地纠纷仲裁办法\n"
    "第三条 仲裁员受理的承包地纠纷，是指下列承包地纠纷：（一）因订立、履行承包合同发生的纠纷；（二）因承包地流转发生的纠纷；"
    "（三）因承包地收回、调整发生的纠纷。\n"
    "第十条 仲裁员应当符合下列条件之一：（一）从事承包地管理工作满五年；（二）从事法律工作满五年；"
    "（三）在当地威信较高。\n"
    "第二十条 申请人对不予批准决定不服的，可以依法申请行政复议或者提起行政诉讼。\n"
    "第二十一条 村民申请宅基地的，应当向村民小组提出书面申请，由村民小组讨论后报镇人民政府审批。",
)
# 条件 is a common word in other documents, so the 纠纷 list shares more rare words with the question.
JIUZHU = Doc(
    "jiuzhu",
    "某某县社会救助办法",
    "某某县社会救助办法\n"
    "第二条 符合条件的家庭可以申请救助。\n"
    "第三条 有条件的地方可以提高救助标准。\n"
    "第四条 救助条件由县级人民政府民政部门公布。\n"
    "第五条 不符合条件的，不予救助并说明理由。",
)
KB = FakeKnowledgeBase([ZHONGCAI, JIUZHU])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("想当承包地纠纷的仲裁员，要够哪些条件？", ("条件",)),
        ("村委会换届前登记选民，哪几种人要列进名单？", ("人",)),
        ("村里哪些事非得拿到村民会议上讨论？", ("事非", "事")),  # 事 is a category the table knows
        ("什么情况下人就不算集体经济组织成员了？", ("情况",)),
        ("特困人员供养，国家给管哪几方面？", ()),  # 方面 says nothing of the category
        # a modal after a one-character category is not part of it (地必 would fit no lead-in)
        ("征收哪几种地必须报国务院批？", ("地",)),
        ("哪些事需要报县里批？", ("事",)),
    ],
)
def test_the_category_a_list_question_asks_for(question: str, asked: tuple[str, ...]) -> None:
    assert asked_category(question) == asked


def test_a_lead_in_fits_the_asked_category_by_its_word_or_a_listed_form() -> None:
    assert category_fits(("条件",), "仲裁员应当符合下列条件之一：") is True
    assert category_fits(("人",), "应当对下列人员进行登记，列入名单：") is True  # 人员 holds 人
    assert category_fits(("情况",), "有下列情形之一的，丧失成员身份：") is True  # 情况 → 情形 (table)
    assert category_fits(("情况",), "农村集体经济组织成员享有下列权利：") is False
    assert category_fits(("条件",), "本办法所称承包地纠纷包括：") is False
    assert category_fits(("条件",), "应当遵守本办法。") is None  # it announces nothing
    assert category_fits(("地",), "征收下列土地的，由国务院批准：") is True
    assert "情形" in CATEGORIES["情况"]


def test_a_list_of_the_asked_category_answers_over_another_list_with_more_shared_words() -> None:
    answer = ANSWERER.answer("想当承包地纠纷的仲裁员，要够哪些条件？")
    assert answer.found and answer.question_type == "list"
    assert "满五年" in answer.answer and "流转" not in answer.answer
    assert "仲裁员应当符合下列条件" in answer.citations[0].quote


def test_everyday_words_for_legal_acts_reach_the_formal_clause() -> None:
    assert "不予批准" in expansions("宅基地申请被镇里驳回了，不服咋办？")
    assert "生效" in expansions("口头答应的协议，从啥时候起就算数了？")
    answer = ANSWERER.answer("宅基地申请被镇里驳回了，不服咋办？")
    assert answer.found and "行政复议" in answer.answer


def test_a_category_line_without_forms_names_the_file_and_line() -> None:
    with pytest.raises(PolicyAssistantError, match=r"categories\.tsv 第2行"):
        load_lexicon("情况\t情形\n地方\n", "categories.tsv")
