"""Modal verbs of a clause (情态词): 不得、禁止 (no), 可以、应当 (yes), 免征 (need not) — what a yes/no
question is answered by."""

from __future__ import annotations

import re

from assistant.extract import Span

# Words that exempt (免征, 免费, 不承担…): a no that means "need not" (不需要), not "may not".
EXEMPTIONS = (
    "不收", "免征", "免收", "免缴", "免交", "免予", "免除", "免费", "不承担", "不负担", "不缴", "无需", "无须", "不需",
)  # fmt: skip
# 划定禁止、限制开采地下水区域 names a kind of area a body designates; it forbids nothing itself.
_NEGATION = re.compile(
    "|".join(
        (
            "不得",
            "(?<!划定)(?<!设定)(?<!确定)禁止",
            "严禁",
            "不能",
            "不准",
            "不予",
            "不应",
            "不再",
            "取消",
            "(?<![不令取担而])停止(?!侵害)",  # 停止发放 (not 责令停止, 采取停止, 而停止执行, 停止侵害)
            *EXEMPTIONS,
        )
    )
)
# 不能 closed by 的 within a few characters, before a clause end or a person, says what one cannot do:
# it describes a person or case (不能自理的残疾人, 外出不能参加投票的，); 不能侵占村集体的财产 still rules
# and 不承担…的筹劳义务 still exempts.
_PERSONS = "人|者|员|儿童|少年|家庭|户|对象|成员"  # the nouns a 的-phrase describing who closes on
_DESCRIBES = re.compile(rf"[^，。；：,;:的]{{1,6}}的(?:[，,；;]|[^，。；的]{{0,4}}?(?:{_PERSONS}))")
# A lack closed by 的 and a person (不具有接受普通教育能力的残疾未成年人) describes who the same way, with
# room for the longer object of 具有/具备/享有.
DESCRIBES_WHO = re.compile(rf"[^，。；：,;:的]{{1,12}}的[^，。；的]{{0,6}}?(?:{_PERSONS})")
# A bare 可 is the modal of 可并处, 可向…申请; inside a word it grants nothing: 许可证, 认可, 不可抗力,
# 可能造成, 可持续, 可再生, 可支配收入, 可追溯.
_BARE_MAY = r"(?<![许认不无宁])可(?!能|持续|再生|支配|行|靠|抗|追溯|控|回收|克|证|比|观|视|及|燃|降解|塑|口|爱|疑|见|知|谓|惜|贵|信|怜|乘)"
# 有权 inside 所有权 / 共有权 is a right's name (土地所有权人), not a permission.
_PERMISSION = re.compile(rf"可以|允许|鼓励|支持|(?<![所共])有权|{_BARE_MAY}|应当|必须|依法")


def obligations(sentence: str) -> list[Span]:
    """Modal clauses for yes/no questions: 不得… (no) or 可以/应当… (yes)."""
    out = []
    for m in _NEGATION.finditer(sentence):
        if m.group(0) == "不能" and _DESCRIBES.match(sentence, m.end()):
            continue  # 外出不能参加投票的，可以委托 / 生活不能自理的残疾人: it describes who, it rules nothing
        out.append(Span(m.start(), m.end(), "no", m.group(0)))
    for m in _PERMISSION.finditer(sentence):
        out.append(Span(m.start(), m.end(), "yes", m.group(0)))
    return out


_CLAUSE_BREAK = re.compile(r"[，,；;。！!]")


def asking_clause(question: str, *asking: re.Pattern[str]) -> str | None:
    """The clause that asks: the last one some pattern of ``asking`` finds (能拿补助不 in 没法补休，能拿补助不？);
    None when none does."""
    return next(
        (c for c in reversed(_CLAUSE_BREAK.split(question)) if any(p.search(c) for p in asking)), None
    )


def asks_exemption(question: str, asking: re.Pattern[str]) -> bool:
    """Whether the clause that asks (:func:`asking_clause`: 能免费吗, 是不是免费给) names an exemption:
    政府免费做筛查，…不带孩子去，行不行 asks of something else."""
    clause = asking_clause(question, asking)
    return clause is not None and any(word in clause for word in EXEMPTIONS)
