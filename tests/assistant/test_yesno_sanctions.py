"""A penalty clause answers whether an act is allowed: 违反…在滑坡危险区取土…的，由…责令停止…，可以并处罚款 says
不能 (its 可以 is the authority's discretion, not the asker's permission); a sanctioned omission (未依照规定报案的，
给予处分) says the act is a duty (应当). A question about the sanction itself keeps the clause's own modal."""

from __future__ import annotations

from assistant.answer_types.yesno import YESNO, verdict
from assistant.question import analyse

PENALTY = (
    "第四十八条 违反本法规定，在崩塌、滑坡危险区或者泥石流易发区从事取土、挖砂、采石等活动的，"
    "由县级以上地方人民政府水行政主管部门责令停止违法行为，没收违法所得，可以并处五万元以下的罚款。"
)
OMISSION = (
    "村民委员会及其工作人员未依照本法规定向公安机关报案的，由上级机关责令改正，对直接责任人员依法给予处分。"
)


def _verdict(question: str, sentence: str, words: list[str]) -> str | None:
    info = analyse(question)
    return verdict(YESNO.pick(info, sentence, YESNO.spans(info, sentence), words))


def test_a_sanctioned_act_is_not_allowed_whatever_modal_its_consequence_carries() -> None:
    assert _verdict("后山滑坡危险区有人挖沙取土，这合法不？", PENALTY, ["滑坡", "危险区", "取土"]) == "不能"


def test_a_sanctioned_omission_makes_the_act_a_duty() -> None:
    assert _verdict("村里发现孩子挨打，是不是得报案？", OMISSION, ["报案", "公安机关"]) == "应当"


def test_asking_about_the_omission_itself_gets_a_no() -> None:
    assert _verdict("村委会能不能不报案？", OMISSION, ["报案"]) == "不能"


def test_asking_about_the_sanction_keeps_the_clauses_own_modal() -> None:
    # 会不会罚款 asks whether a fine may follow: the 可以并处 of the clause answers it.
    assert _verdict("在滑坡危险区取土，会不会被罚款？", PENALTY, ["滑坡", "取土", "罚款"]) == "可以"


def test_a_condition_that_does_not_name_the_asked_act_gives_no_sanction_verdict() -> None:
    # The clause sanctions 取土, the question asks about 种树: the modal rule decides as before.
    assert _verdict("在滑坡危险区种树行不行？", PENALTY, ["种树"]) is None
