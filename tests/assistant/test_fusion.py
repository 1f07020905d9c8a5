import pytest

from assistant.fusion import RRF_K, reciprocal_rank_fusion


def test_rrf_uses_k_60_and_sums_over_rankings() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]]))
    assert RRF_K == 60
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_rrf_orders_by_score_and_keeps_first_seen_order_on_ties() -> None:
    assert [i for i, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]])] == ["x", "y"]
    assert [i for i, _ in reciprocal_rank_fusion([["a", "b"], ["b"]])] == ["b", "a"]


def test_rrf_weights() -> None:
    fused = dict(reciprocal_rank_fusion([["a"], ["b"]], weights=[2.0, 1.0]))
    assert fused["a"] == pytest.approx(2 / 61)
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])
