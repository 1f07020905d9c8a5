"""The third to thirteenth holdout sets (第三至第十三留出集, evaluation/data/holdout{3,…,13}_qa.jsonl):
fresh colloquial questions, each written before any change it measures.

Each cites ../shared/corpus and five laws no other holdout set uses, the next five of holdout_laws.txt:
the third laws 14–18 (人民调解法 … 汕尾市农村建房条例), the fourth laws 19–23 (a national law, two State
Council regulations, 山东's rule on village committees and 临沂's on beautiful villages), the fifth laws
24–28 (反家庭暴力法, the regulations on military pensions and on farm insurance, 重庆's rule on minimum
living allowances and 濮阳's on rural household waste), the sixth laws 29–33 (the regulations on village
doctors and on geological hazards, 山东's rule on open village affairs, 重庆's on village water supply and
河南's on rural roads), the seventh laws 34–38 (草原法, 未成年人保护法, 北京's rules for the disabled,
上海's flood control and 广东's forest fire prevention), the eighth laws 39–43 (the regulations on livestock
farm pollution and on funerals, 浙江's rule on village sewage facilities, 信阳's on traditional villages and
潍坊's on highly toxic pesticides), the ninth laws 44–48 (the regulations on crop pests and on returning
farmland to forest, 河南's rule on the rights of the elderly, 重庆's flood and drought control and 湖州's
on rule-of-law villages), the tenth laws 49–53 (退役军人保障法, the regulations on ancient trees and on
farmland irrigation, 上海's rule on village committee elections and 广东's on forest ownership disputes),
the eleventh laws 54–58 (the regulations on drought relief and on farm machinery safety, 山东's rule on
seeds, 浙江's on fisheries and 河南's on animal husbandry), the twelfth laws 59–63 (the regulations on land
reclamation and on pesticides, 重庆's rule on forest land, 上海's on social assistance and 广东's on animal
epidemic prevention). The three training sets (训练集, evaluation/data/train{1,2,3}_qa.jsonl), written the
same way for fitting the learned evidence models only, cite laws 64–68, 69–73 and 74–78. The thirteenth
holdout, written after them, cites laws 79–83 (the regulations on resettling veterans, on grassland fire
prevention, on public-health emergencies and on resettlement for large water projects, and 山东's rule on
township governments).
Every evidence string must occur verbatim in its document, and each set must stay independent of the sets
before it: no shared law, question or evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from holdout_kit import (
    DATA,
    LAW_FILES,
    check_evidence_verbatim,
    check_fresh_laws,
    check_fresh_set,
    check_independent,
    check_keys_stated,
    cited_documents,
    rows,
)


@dataclass(frozen=True)
class LaterSet:
    name: str
    prefix: str
    laws: slice

    @property
    def rows(self) -> list[dict]:
        return rows(DATA / self.name)

    @property
    def earlier_rows(self) -> list[dict]:
        before = ORDER[: ORDER.index(self.name)]
        return [row for name in before for row in rows(DATA / name)]


SETS = [
    LaterSet("holdout3_qa.jsonl", "m", slice(13, 18)),
    LaterSet("holdout4_qa.jsonl", "n", slice(18, 23)),
    LaterSet("holdout5_qa.jsonl", "p", slice(23, 28)),
    LaterSet("holdout6_qa.jsonl", "s", slice(28, 33)),
    LaterSet("holdout7_qa.jsonl", "t", slice(33, 38)),
    LaterSet("holdout8_qa.jsonl", "u", slice(38, 43)),
    LaterSet("holdout9_qa.jsonl", "v", slice(43, 48)),
    LaterSet("holdout10_qa.jsonl", "w", slice(48, 53)),
    LaterSet("holdout11_qa.jsonl", "x", slice(53, 58)),
    LaterSet("holdout12_qa.jsonl", "y", slice(58, 63)),
    LaterSet("train1_qa.jsonl", "e", slice(63, 68)),
    LaterSet("train2_qa.jsonl", "f", slice(68, 73)),
    LaterSet("train3_qa.jsonl", "g", slice(73, 78)),
    LaterSet("holdout13_qa.jsonl", "z", slice(78, 83)),
    LaterSet("holdout14_qa.jsonl", "q", slice(83, 88)),
    LaterSet("holdout15_qa.jsonl", "a", slice(88, 93)),
    LaterSet("holdout16_qa.jsonl", "b", slice(93, 98)),
    LaterSet("holdout17_qa.jsonl", "c", slice(98, 103)),
    LaterSet("holdout18_qa.jsonl", "d", slice(103, 108)),
    LaterSet("holdout19_qa.jsonl", "i", slice(108, 113)),
    LaterSet("holdout20_qa.jsonl", "j", slice(113, 118)),
    LaterSet("train4_qa.jsonl", "l", slice(118, 123)),
    LaterSet("train5_qa.jsonl", "o", slice(123, 128)),
    LaterSet("holdout21_qa.jsonl", "ha", slice(128, 133)),
    LaterSet("holdout22_qa.jsonl", "hb", slice(133, 138)),
    LaterSet("holdout23_qa.jsonl", "hc", slice(138, 143)),
    LaterSet("holdout24_qa.jsonl", "hd", slice(143, 148)),
    LaterSet("holdout25_qa.jsonl", "he", slice(148, 153)),
    LaterSet("holdout26_qa.jsonl", "hf", slice(153, 158)),
    LaterSet("holdout27_qa.jsonl", "hg", slice(158, 163)),
    LaterSet("holdout28_qa.jsonl", "hh", slice(163, 168)),
    LaterSet("holdout29_qa.jsonl", "hi", slice(168, 173)),
    LaterSet("holdout30_qa.jsonl", "hj", slice(173, 178)),
    LaterSet("holdout31_qa.jsonl", "hk", slice(178, 183)),
    LaterSet("holdout32_qa.jsonl", "hl", slice(183, 188)),
    LaterSet("holdout33_qa.jsonl", "hm", slice(188, 193)),
    LaterSet("holdout34_qa.jsonl", "hn", slice(193, 198)),
    LaterSet("holdout35_qa.jsonl", "ho", slice(198, 203)),
    LaterSet("holdout36_qa.jsonl", "hp", slice(203, 208)),
]
IDS = [s.name.split("_")[0] for s in SETS]
# The holdout sets in the order they were written (the first two precede the checked ones): each is independent
# of those before it.
ORDER = ["holdout_qa.jsonl", "holdout2_qa.jsonl", *(s.name for s in SETS)]


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return cited_documents()


@pytest.mark.parametrize("later", SETS, ids=IDS)
def test_loader_accepts_the_set_with_its_ids_and_all_types(later: LaterSet) -> None:
    check_fresh_set(DATA / later.name, later.prefix)


@pytest.mark.parametrize("later", SETS, ids=IDS)
def test_every_key_is_in_the_evidence_or_an_answer(later: LaterSet) -> None:
    check_keys_stated(later.rows)


@pytest.mark.parametrize("later", SETS, ids=IDS)
def test_every_evidence_occurs_verbatim_in_its_document(later: LaterSet, documents: dict[str, str]) -> None:
    check_evidence_verbatim(later.rows, documents)


@pytest.mark.parametrize("later", SETS, ids=IDS)
def test_its_own_five_laws_and_the_corpus_are_cited(later: LaterSet) -> None:
    check_fresh_laws(later.rows, later.earlier_rows, LAW_FILES[later.laws])


@pytest.mark.parametrize("later", SETS, ids=IDS)
def test_independent_of_the_earlier_holdout_sets(later: LaterSet) -> None:
    check_independent(later.rows, later.earlier_rows)


def test_the_laws_list_holds_every_set_s_laws() -> None:
    assert len(LAW_FILES) == 208
