"""Negations the modal verbs miss give the yes/no verdict: 不允许城镇居民到农村购买农房 says 不能 (its 允许
alone said 可以), 不适用有关破产法律的规定 says 否, 可以不设 says 不一定 — or 可以 when the question itself
asks to refrain (能不能不设). The verdict comes from the sentence the answer quotes first: a permissive
sentence after it in the passage no longer overrides its 否.

A penalty clause answers whether an act is allowed too: 违反…在滑坡危险区取土…的，由…责令停止…，可以并处罚款 says 不能
(its 可以 is the authority's discretion, not the asker's permission); a sanctioned omission (未依照规定报案的，给予处分)
says the act is a duty (应当). A question about the sanction itself keeps the clause's own modal."""

from __future__ import annotations

from assistant.answer_types.yesno import YESNO, verdict
from assistant.compose import compose
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Chunk, Hit

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


def test_a_negated_permission_says_no() -> None:
    sentence = "不允许城镇居民到农村购买农房、宅基地，不允许退休干部到农村占地建房。"
    assert _verdict("城里人退休了想回村买个农家院，一号文件让不让？", sentence, ["农房", "退休"]) == "不能"


def test_a_statement_that_denies_answers_no_without_a_modal() -> None:
    assert (
        _verdict("这个分社算不算独立法人？", "农民专业合作社分支机构不具有法人资格。", ["分社", "法人"])
        == "否"
    )
    sentence = "在监狱内服刑的人员不计入共同生活的家庭成员。"
    assert _verdict("家里在监狱服刑的儿子要不要算一口人？", sentence, ["服刑", "家庭成员"]) == "否"


def test_a_stop_to_what_is_asked_says_no() -> None:
    sentence = (
        "县级人民政府有关主管部门及乡镇人民政府按照有关规定停止发放撂荒耕地的土地承包经营权人的农业补贴。"
    )
    assert _verdict("承包地撂荒好几年了，还能照常领农业补贴吗？", sentence, ["撂荒", "农业补贴"]) == "不能"
    # 责令停止, 采取停止…等措施, 不因…而停止执行, 停止侵害: an order, a measure, a rule that it goes on, a liability.
    goes_on = "代为除治的工作，不因被责令限期除治者申请复议或者起诉而停止执行。"
    assert _verdict("申请复议了，代为除治的活是不是得先停下来？", goes_on, ["复议", "除治"]) != "不能"
    measure = "（五）可以采取停止户外集体活动、学校停课、工厂停工、市场停市等措施"
    assert _verdict("发了暴雨红色预警，中小学是不是必须停课？", measure, ["停课", "中小学"]) != "不能"


def test_an_exemption_the_question_asks_for_is_granted() -> None:
    sentence = "编制农房建设设计图集等，免费提供给农民自建住宅使用并给予技术指导。"
    assert _verdict("住建部门编的农房设计图集是不是免费给？", sentence, ["设计图集"]) == "是"
    fee = "享受城市居民最低生活保障的残疾人家庭免交城市生活垃圾处置费。"
    assert _verdict("低保户家里的垃圾处理费还用不用交？", fee, ["垃圾", "处置费"]) == "不需要"
    # 免费 told before the clause that asks is no exemption asked for.
    screening = "监护人应当保证未成年人及时接受政府免费提供的疾病和残疾筛查。"
    assert _verdict("政府免费做残疾筛查，爹妈不带孩子去，行不行？", screening, ["筛查"]) != "是"


def test_a_lack_that_describes_who_rules_nothing() -> None:
    sentence = "保障不具有接受普通教育能力的残疾未成年人在特殊教育学校接受义务教育。"
    assert _verdict("残疾娃能不能上学？", sentence, ["残疾", "教育"]) is None


def test_may_refrain_is_not_necessarily_and_yes_when_the_question_asks_to_refrain() -> None:
    sentence = "合作社应当设立审计机构，但经济规模较小的村经济合作社可以不设。"
    words = ["审计机构", "经济合作社"]
    assert _verdict("我们村经济合作社规模很小，也必须设个审计机构吗？", sentence, words) == "不一定"
    assert _verdict("我们村经济合作社规模很小，审计机构能不能不设？", sentence, words) == "可以"
    # 能不能先…: the 能不 of the yes/no frame is no request to refrain.
    assert _verdict("村经济合作社能不能先设审计机构？", sentence, words) == "不一定"


def test_the_quoted_sentence_gives_the_verdict_not_the_permissive_one_after_it() -> None:
    text = (
        "第六条 农村集体经济组织不适用有关破产法律的规定。"
        "农村集体经济组织可以依法出资设立或者参与设立公司、农民专业合作社等市场主体。"
    )
    chunk = Chunk("c1", "jiti", "jiti.txt", "第六条", 0, len(text), text, 0)
    hit = Hit(chunk, "农村集体经济组织法", "", "2024-06-28", 1.0)
    question = "村集体经济组织做买卖亏了一大笔，能不能跟公司一样申请破产？"
    info = analyse(question)
    cut = text.index("。") + 1

    def sentence(start: int, end: int, score: float) -> Evidence:
        return Evidence(
            hit, start, end, text[start:end], 0.5, 1.0, score, tuple(YESNO.spans(info, text[start:end]))
        )

    answer = compose(
        question, info, [hit], [sentence(0, cut, 1.0), sentence(cut, len(text), 0.9)], ["破产", "公司"]
    )
    assert answer.short_answer == "否" and answer.answer.startswith("否。")


def test_exemptions_and_musts_are_verdicts() -> None:
    assert (
        _verdict("抢险的车过路费要不要交？", "执行防汛抢险救灾紧急任务的车辆免缴通行费。", ["通行费"])
        == "不需要"
    )
    sentence = "企业对从事高度危险作业的职工，必须依照国家规定向保险公司投保。"
    assert _verdict("高危工种的工人，厂里是不是非得给上保险？", sentence, ["保险", "高危"]) == "应当"


def test_a_sentence_that_only_forbids_gives_its_verdict_to_a_word_far_along_its_list() -> None:
    sentence = (
        "第三十条 护堤护岸林木，由河道管理单位组织营造和管理，其他任何单位和个人不得侵占、砍伐或者破坏。"
    )
    assert _verdict("护堤的杨树长粗了，村里想砍了卖钱，可以吗？", sentence, ["护堤", "杨树"]) == "不能"
    # A permission in the sentence keeps the distance rule: the modal must stand near a question word.
    mixed = (
        "第三十条 护堤护岸林木，由河道管理单位按照统一规划组织营造、抚育和日常管理，具体办法由省级主管部门"
        "另行制定，其他单位经批准可以更新采伐，不得侵占。"
    )
    assert _verdict("护堤的杨树长粗了，村里想砍了卖钱，可以吗？", mixed, ["护堤"]) is None


def test_asking_to_leave_a_duty_undone_is_answered_no() -> None:
    sentence = "最低生活保障家庭中的失能老年人，申请入住政府投资设立的养老机构的，应当安排收住。"
    words = ["养老机构", "失能"]
    assert _verdict("低保户家的失能老人想住政府办的养老机构，养老院能不收吗？", sentence, words) == "不能"
    assert _verdict("低保户家的失能老人，政府办的养老机构要不要收？", sentence, words) == "应当"


def test_a_permission_question_that_departs_from_the_duty_is_answered_no() -> None:
    sentence = "村卫生室应当按照国家基本药物目录配备和使用药品。"
    words = ["卫生室", "药品"]
    assert _verdict("村卫生室能不能给人配目录以外的药品？", sentence, words) == "不能"
    assert _verdict("村卫生室的药品能不能随便进？", sentence, words) == "不能"
    assert _verdict("村卫生室还没配目录里的药品，能先卖别的吗？", sentence, words) == "不能"
    # An act that keeps to the duty, a question about the duty itself, ability words and potential
    # complements (配不齐) keep the duty.
    assert _verdict("村卫生室能不能按目录配药品？", sentence, words) == "应当"
    assert _verdict("村卫生室是不是得按目录配药品？", sentence, words) == "应当"
    assert _verdict("药品配不齐的村卫生室，能按目录配药品吗？", sentence, words) == "应当"


def test_a_departure_the_sentence_names_or_anothers_departure_keeps_the_duty() -> None:
    sentence = "确需在规划范围以外建设的，应当报县级人民政府批准。"
    assert _verdict("村里能不能在规划范围以外建仓库？", sentence, ["规划", "建设"]) == "应当"
    sentence = "上级人民政府应当及时受理群众对下级政府工作的意见。"
    assert _verdict("乡政府不办事，能不能向上级政府反映？", sentence, ["上级", "政府"]) == "应当"


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


def test_a_right_named_in_a_party_or_an_area_designated_is_no_modal() -> None:
    # 所有权人 holds no 有权; 划定禁止…开采区域 designates an area, the 可以 before it rules.
    bank = "土地所有权人、使用权人或者有关管理单位应当营造植物保护带。禁止开垦、开发植物保护带。"
    assert _verdict("河边的植物保护带，村民能不能开出来种菜？", bank, ["植物保护带", "种菜"]) == "不能"
    assert "有权" not in [s.text for s in YESNO.spans(analyse("能不能种菜？"), bank)]
    area = "县级以上人民政府可以根据地下水超采情况，划定禁止、限制开采地下水区域。"
    assert _verdict("县里能不能划出限制开采地下水的区域？", area, ["地下水", "区域"]) == "可以"


def test_what_is_forbidden_without_approval_needs_approval() -> None:
    sentence = "未经乡级人民政府批准，任何单位和个人不得擅自在集镇的街道、市场修建临时建筑物。"
    assert _verdict("在镇上集市街边搭个临时棚子，要不要批？", sentence, ["临时", "集市"]) == "需要"
    assert _verdict("在镇上集市街边能不能随便搭临时棚子？", sentence, ["临时", "集市"]) == "不能"


def test_by_law_inside_the_case_rules_nothing_but_grants_in_the_ruling() -> None:
    case = "女职工在怀孕以及依法享受产假期间，劳动合同期满的，劳动合同期限自动延续至产假结束。"
    asked = "媳妇怀着孕，合同刚好到期，老板说不续了让她走人，这样中不中？"
    assert _verdict(asked, case, ["合同", "怀孕"]) is None
    ruling = "由村民委员会承担工作报酬的聘用人员连续两次被评议为不称职的，由村民委员会依法予以解聘。"
    assert _verdict("协管员评议老是不称职，村委会能不能把他辞了？", ruling, ["不称职", "村委会"]) == "可以"
