"""The sentences around the best one (邻句): the clauses of its sentence before and after it, the sentence
that continues it, and the one beside it that answers another part or case of the question.

A law often rules one matter across neighbouring sentences (…应当向乡镇提出。…由县级民政部门审批) or clauses
(…每月公布一次；一般事项至少每季度公布一次), so the answer reads them with the best one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from assistant.answer_types import QuestionInfo
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.term_match import CONTINUING


def clauses_after(ev: Evidence, evidence: Sequence[Evidence]) -> Iterator[Evidence]:
    """The clauses of ``ev``'s sentence after it, in order, among the sentences read: each starts where
    the one before it ends with a ； (a sentence's clauses are read as units of their own)."""
    later = {(x.hit.chunk.chunk_id, x.start): x for x in evidence}
    while ev.text.rstrip().endswith(("；", ";")):
        nxt = later.get((ev.hit.chunk.chunk_id, ev.end))
        if nxt is None:
            return
        yield nxt
        ev = nxt


def clauses_before(ev: Evidence, evidence: Sequence[Evidence]) -> Iterator[Evidence]:
    """The clauses of ``ev``'s sentence before it, nearest first, among the sentences read: each ends
    with a ； where the one after it starts (the mirror of :func:`clauses_after`)."""
    earlier = {(x.hit.chunk.chunk_id, x.end): x for x in evidence}
    before = {(x.hit.chunk.doc_id, x.end): x for x in evidence}  # a sentence may end its passage
    while True:
        prev = earlier.get((ev.hit.chunk.chunk_id, ev.start))
        if prev is None or not prev.text.rstrip().endswith(("；", ";")):
            prev = before.get((ev.hit.chunk.doc_id, ev.start)) if _LEANS_BACK.match(ev.text) else None
        if prev is None:
            return
        yield prev
        ev = prev


# A sentence that opens by taking up the one before it (符合条件的，报…批准 after …进行审核; 情况属实的，…; 逾期不改正的，…)
# is read with it: the step or deed it continues is there.
_LEANS_BACK = re.compile(
    rf"(?:符合条件|不符合条件|情况属实|经审核|经审查|经核查|经核实|依照前款|前款|{'|'.join(CONTINUING)})"
)


def continues(best: Evidence, ev: Evidence) -> bool:
    """Whether ``ev`` starts where ``best`` ends, in the same passage (the next clause or sentence)."""
    return ev.hit.chunk.chunk_id == best.hit.chunk.chunk_id and ev.start == best.end


# 营利性的和非营利性的分别去哪儿登记, 乡里审还是县里审, 罚得一样吗, 是谁拟的？要经谁批, 老百姓该怎么办？乡里接到
# 报告后干啥 (any two questions): the question asks of two cases or two steps, which a law often rules in two
# neighbouring sentences.
_TWO_CASES = re.compile(
    r"分别|各(?:是|拿|由|算|按|给|归|要|自)|还是|一样吗|一样不|有啥区别|有什么区别|[？?][^？?]{2,}[？?]"
)


_QUESTION_END = re.compile(r"[？?]")


def other_asked_part(info: QuestionInfo, best: Evidence, evidence: Sequence[Evidence]) -> Evidence | None:
    """For a question asked in two parts (是哪个部门批的？批下来给发个啥？), the sentence right before or after
    the best one in its passage that holds what one part asks, a body or a figure, when the best one's
    sentence holds none of that kind (县级人民政府民政部门…作出审批决定 before 对批准…的，发给《…证书》), or holds
    just one, which another part asking the same kind may take."""
    parts = [p for p in _QUESTION_END.split(info.text) if len(p.strip()) >= 2]
    if len(parts) < 2:
        return None
    before = [ev.text for ev in clauses_before(best, evidence)]
    whole = "".join(reversed(before)) + best.text + "".join(ev.text for ev in clauses_after(best, evidence))
    near = [ev for ev in evidence[1:] if _beside(best, ev) and ev.text not in whole]
    # A body (谁批) or a figure (多久, 多少) is asked; a verdict or a step could be read off any sentence.
    asked = [
        part
        for part in map(analyse, parts)
        if part.answer_type.asks_figure or part.answer_type.names_who_acts
    ]
    # What the best one's sentence already states of each part's kind.
    stated = [{sp.text for sp in part.answer_type.spans(part, whole)} for part in asked]
    for ev in near:
        for i, part in enumerate(asked):
            kind = part.answer_type
            theirs = {sp.text for sp in kind.spans(part, ev.text)}
            mine = stated[i]
            # 调查报告多久要交？责任人多久能定下来？: both parts ask a time, and the best sentence states one,
            # the other part's: a different time beside it answers this part.
            answers_other = len(mine) == 1 and any(
                j != i and other.answer_type is kind and stated[j] for j, other in enumerate(asked)
            )
            if theirs and (not mine or (answers_other and theirs - mine)):
                return ev
    return None


def _beside(best: Evidence, ev: Evidence) -> bool:
    """Whether ``ev`` stands right before or after ``best`` in its passage."""
    return ev.hit.chunk.chunk_id == best.hit.chunk.chunk_id and (
        0 <= ev.start - best.end <= 2 or 0 <= best.start - ev.end <= 2
    )


def asks_two_cases(question: str) -> bool:
    """Whether the question asks of two cases or steps (分别, 还是, 一样吗)."""
    return bool(_TWO_CASES.search(question))


def second_sentence(
    best: Evidence, evidence: Sequence[Evidence], terms: Sequence[str], policy: AnswerPolicy = DEFAULT_POLICY,
    two_part: bool = False,
) -> Evidence | None:  # fmt: skip
    """A second sentence joins the answer when it continues the best one (the clause after its ；, the
    next sentence; found wherever it ranks) and scores at least AnswerPolicy.continuation of it, or when
    it is among the next best, fits where the best does not and covers question terms the best lacks.
    For a question of two cases (``two_part``), failing those, the sentence right before or after the best
    one in its passage that speaks of a question word joins it."""
    covered = {t for t in terms if t in best.text}
    # What continues the best sentence is read with it wherever it ranks: its words are often not the
    # question's (…每月公布一次；一般事项至少每季度公布一次).
    follows = [
        ev
        for ev in evidence[1:]
        if ev.hit.chunk.doc_id == best.hit.chunk.doc_id and 0 <= ev.start - best.end <= 2
    ]
    if follows and follows[0].score >= policy.continuation * best.score:
        return follows[0]
    for ev in evidence[1 : policy.second_window]:
        if ev.hit.chunk.doc_id != best.hit.chunk.doc_id or (ev.start < best.end and ev.end > best.start):
            continue  # another document, or text the best one already quotes (an item of its list)
        follows_on = 0 <= ev.start - best.end <= 2 and ev.score >= policy.continuation * best.score
        new = {t for t in terms if t in ev.text and len(t) > 1} - covered
        adds = (
            ev.score >= policy.second_sentence * best.score
            and len(new) >= policy.second_new_terms
            and best.fit < 1.0 <= ev.fit
        )
        if follows_on or adds:
            return ev
    if two_part:
        # The other case is ruled next to the best one (before or after it), in words of its own.
        near = [
            ev for ev in evidence[1:] if _beside(best, ev) and any(t in ev.text and len(t) > 1 for t in terms)
        ]
        if near:
            return max(near, key=lambda ev: ev.score)
    return None
