"""分类题 (classification): 分为哪几类 — the categories, read like an enumeration."""

from __future__ import annotations

import re

from assistant.answer_types.base import Cue
from assistant.answer_types.enumeration import ItemsAnswer


class Classification(ItemsAnswer):
    name = "classification"
    labels = ("分类", "类别")
    cues = (
        Cue(30, re.compile(
            r"哪几类|几类|分为|分成|哪类|哪一类|哪[三四五六两]类|什么类型|哪几种类型|哪些地区和哪些地区|哪部"
        )),
    )  # fmt: skip
    clause_fallback = True  # 分为三类：… — the clause that names them


CLASSIFICATION = Classification()
