"""Tree ensembles read from JSON (树模型): the fitted models the answerer consults, without a learning library.

``bench/train_ranker.py`` fits gradient-boosted trees with scikit-learn and exports each as parallel
node arrays (a leaf has feature -1); this module reads them back and sums the trees' leaf values
into a raw margin. A model records the names of the features it was fitted on and is refused when
they differ from what the program computes, so it never silently reads a feature it never saw.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corpus.errors import PolicyAssistantError

FORMAT = "policy-assistant tree ensemble 1"


@dataclass(frozen=True, slots=True)
class Tree:
    """One regression tree: parallel node arrays; a leaf has feature -1 and its value."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, row: Sequence[float]) -> float:
        node = 0
        while self.feature[node] >= 0:
            node = self.left[node] if row[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """A fitted ensemble: a row's raw margin is the baseline plus every tree's leaf value."""

    baseline: float
    trees: tuple[Tree, ...]
    source: str = ""

    def margins(self, rows: Sequence[Sequence[float]]) -> list[float]:
        return [self.baseline + sum(t.predict(row) for t in self.trees) for row in rows]

    def probability(self, row: Sequence[float]) -> float:
        """The fitted probability of the positive class (the logistic of the margin)."""
        margin = self.margins([row])[0]
        return 1.0 / (1.0 + math.exp(-margin)) if margin > -700 else 0.0


def parse_ensemble(data: object, source: str, features: Sequence[str]) -> TreeEnsemble:
    """A :class:`TreeEnsemble` from its JSON form; a clear error naming ``source`` otherwise."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PolicyAssistantError(f"{source}：不是本程序的树模型（format 应为 {FORMAT!r}）")
    if tuple(data.get("features", ())) != tuple(features):
        raise PolicyAssistantError(f"{source}：模型的特征与程序不一致，请用 bench/train_ranker.py 重新训练")
    try:
        trees = tuple(
            Tree(
                tuple(int(x) for x in t["feature"]),
                tuple(float(x) for x in t["threshold"]),
                tuple(int(x) for x in t["left"]),
                tuple(int(x) for x in t["right"]),
                tuple(float(x) for x in t["value"]),
            )
            for t in data["trees"]
        )
        ensemble = TreeEnsemble(float(data["baseline"]), trees, source)
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyAssistantError(f"{source}：模型内容不完整或格式错误（{exc}）") from exc
    for n, t in enumerate(trees, start=1):
        size = len(t.feature)
        if not size or any(len(a) != size for a in (t.threshold, t.left, t.right, t.value)):
            raise PolicyAssistantError(f"{source}：第{n}棵树的节点数组长度不一致")
        # Children come after their parent, so a walk always ends at a leaf.
        inner = [i for i in range(size) if t.feature[i] >= 0]
        if any(t.feature[i] >= len(features) for i in inner) or any(
            not (i < t.left[i] < size and i < t.right[i] < size) for i in inner
        ):
            raise PolicyAssistantError(f"{source}：第{n}棵树的节点引用越界")
    return ensemble


def read_model_json(path: Path | None, packaged: str) -> tuple[object, str]:
    """The JSON in ``path``, or in the packaged ``assistant/data/<packaged>``, and the name to report it
    by; a clear error naming the file when it cannot be read or parsed."""
    if path is None:
        text, source = (
            (resources.files("assistant") / "data" / packaged).read_text(encoding="utf-8"),
            packaged,
        )
    else:
        try:
            text, source = path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise PolicyAssistantError(f"{path}：无法读取模型文件（{exc.strerror}）") from exc
    try:
        return json.loads(text), source
    except json.JSONDecodeError as exc:
        raise PolicyAssistantError(f"{source}：不是合法的 JSON（第{exc.lineno}行）") from exc


def load_ensemble(features: Sequence[str], path: Path | None = None, packaged: str = "") -> TreeEnsemble:
    """The ensemble in ``path``, or the one packaged as ``assistant/data/<packaged>``."""
    data, source = read_model_json(path, packaged)
    return parse_ensemble(data, source, features)
