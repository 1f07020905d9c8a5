"""What a yes/no question proposes or claims beyond the rule it is answered by (偏离、夸大与例外): an act
done otherwise than a duty says (随便, 一刀切, 晚点再报), an absolute the rule does not state (必须, 全部, 只), or a
case the rule's exception covers (…的除外). Read by the yes/no type (:mod:`assistant.answer_types.yesno`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# The question asks about a sanction or a complaint (要罚款吗, 会被追责吗, 向谁举报), not whether to act.
ASKS_SANCTION = re.compile(
    r"罚|处分|追究|追责|没收|吊销|责任|处理(?![终站厂设器])|处置|后果|怎么办|咋办|举报|反映|投诉"
)  # 处理终端 names a thing


# A permission question whose act departs from the duty it is answered by (能不能开目录外头的处方药 against
# 应当在目录范围内用药; 随便往外传, 硬性摊派, 还没验收就通车, 收入瞒着不报) is answered no: the duty says how
# the act must be done, and the asker proposes to do it otherwise. Read on the question without its
# yes/no words (能不能, 合法不？); a question that asks about a duty (该不该给补偿) keeps 应当.
DEPARTS = re.compile(
    r"随便|随意|擅自|私自|自作主张|自己(?:就)?(?:能)?(?:拍板|做主|说了算)|硬性|强行|强制|一刀切|瞒"
    r"|以外|之外|外头|范围外|[不没未](?![能会可要用得够了法到敢想愿肯知懂起下开上动住成完清见齐全])"
)  # 不敢, 不知道, 过不下去, 揭不开锅: ability, will and potential complements propose no act
ASKING_WORDS = re.compile(r"([\u4e00-\u9fff])[不没]\1|[不吗][？?]?$")  # 能不能, 有没有, 合法不？
ASKS_DUTY = re.compile(
    r"要不要|用不用|需不需要|需要|是不是得|得不得|必须|非得|该不该|应不应该|要[^，。？?]{0,8}吗"
)


# 能不能等完工以后再补装, 整改能拖一拖吗, 晚点再报: the act put off, against a duty that says when (与主体工程
# 同时设计…, 应当立即整改, 及时报告); 拖拉机 puts nothing off.
_PUTS_OFF = re.compile(
    r"拖(?:一拖|着|延|到|几|些)|往后拖|再拖|[以之]后再|了再|晚[点些]|缓[一几]?缓|回头再|过后再|事后"
)
_PROMPT = re.compile(r"同时|立即|及时|马上|立刻|当即|事先|预先|提前")


# Acts and the duties that undo them: a may-I question proposing the act against a sentence requiring its
# opposite is a no (能不能把承包地收回 against …承包经营权，应当保留; 能拒收吗 against 应当接收; 能不能扣工资
# against 应当保持其原有的工资; 能不能挪去干别的 against 专门用于…; 还能留在选委会吗 against 应当退出).
_OPPOSITE_ACTS = (
    (re.compile(r"收回|收走|收去"), re.compile(r"保留")),
    (re.compile(r"拒收|拒绝接收|不收"), re.compile(r"接收|收住|收留")),
    (re.compile(r"扣(?!押|留|除)|克扣|少发"), re.compile(r"保持|足额|按时足额")),
    (re.compile(r"挪|改用|用到别处|干别的"), re.compile(r"专门用于|专项用于|专款专用|专项资金")),
    (re.compile(r"留在|留任|接着当|继续当|继续担任|接着留"), re.compile(r"退出|辞去")),
)


def departs(question: str, sentence: str) -> bool:
    """Whether a permission question proposes an act that departs from the duty of the sentence."""
    if ASKS_DUTY.search(question) or ASKS_SANCTION.search(question):
        return False  # 乡政府不作为，能不能举报: the departure is another's, the asked act answers it
    if _PUTS_OFF.search(question) and _PROMPT.search(sentence):
        return True
    if any(act.search(question) and undone.search(sentence) for act, undone in _OPPOSITE_ACTS):
        return True
    act = ASKING_WORDS.sub("", question)
    found = DEPARTS.search(act)
    if found is None:
        return False
    # The departure is not one the sentence itself names (不报 in …不报的，给予处分; 自行 in 可以自行…).
    words = act[found.start() : max(found.end(), found.start() + 2)]
    return words not in sentence


# A question that overstates what it asks against a sentence stating no such absolute is answered no: 是不是
# 一刀切 against 精准划定禁烧范围, 是不是必须开 against 鼓励…开具, 只写户主一个人 against 全部列明, 马上就停了
# against 在一定期限内继续享受. Over the opened sets' yes/no questions (written independently of this
# reading), an absolute the gold passage does not state was answered no in 33 of 36 (one yes, two without a
# verdict). Each absolute with the words that state it; 都 is left out (about half of its questions were a yes).
_ABSOLUTES = (
    (re.compile(r"一刀切"), re.compile(r"一刀切")),
    (re.compile(r"硬性|强行|强制"), re.compile(r"硬性|强制|必须")),
    (re.compile(r"全部|全都|统统|一律"), re.compile(r"全部|全都|一律|均|所有|全")),
    (re.compile(r"(?<![一二两三四五六七八九十几百千\d])只(?![要有是])"), re.compile(r"只|仅|限于|唯一|单独")),
    (re.compile(r"马上|立马|立刻|当场"), re.compile(r"立即|立刻|马上|及时|当场|当日|即时|随时")),
    (re.compile(r"随便|随意"), re.compile(r"随意|任意|自行|擅自")),
)
_MUST = (re.compile(r"必须|非得|一定要|务必"), re.compile(r"必须|应当|均应|须|一律"))
_ASKS_MAY = re.compile(
    r"能不能|可不可以|能否|可否|行不行|中不中|可以|允许|(?<![标批核水])准(?![备确时])|(?<!只)能"
)  # 标准, 批准 ask no leave


def overstated(question: str, sentence: str) -> str | None:
    """The no a question gets that asks an absolute the sentence does not state: 不是必须 for a duty
    (必须, 非得), 不能 for a permission (能不能随便说), 不是 for a claim (是不是一刀切)."""
    asked = ASKING_WORDS.sub("", question)

    def overstates(said: re.Pattern[str], states: re.Pattern[str]) -> bool:
        return bool(said.search(asked)) and not states.search(sentence)

    if overstates(*_MUST):
        return "不是必须"
    if not any(overstates(*pair) for pair in _ABSOLUTES):
        return None
    return "不能" if _ASKS_MAY.search(question) else "不是"


# A duty with an exception (…应当申请办理许可证。渔业生产者自育、自用水产苗种的除外; 除丧失劳动能力者外，均应
# 参加义务植树) asked about by one who suspects the case is exempt (还用办吗, 也得去吗) or who names the
# exception's own words (村集体的水塘 against 使用本集体经济组织的水塘…的除外): 不需要.
_EXCEPTION = re.compile(r"[^，。；：]{2,40}?的?除外|除[^，。；：]{2,30}?以?外")
_SUSPECTS_EXEMPT = re.compile(r"[还也](?:用|要|得|需要|非得|必须)")


def exempted(question: str, sentence: str, words: Sequence[str]) -> bool:
    """Whether a duty question is answered by the exception its sentence makes."""
    suspects = bool(_SUSPECTS_EXEMPT.search(question))
    if not (suspects or ASKS_DUTY.search(question)):
        return False
    found = _EXCEPTION.search(sentence)
    if found is None:
        return False
    if suspects:
        return True
    rest = sentence[: found.start()] + sentence[found.end() :]
    return any(t in found.group(0) and t not in rest for t in words)
