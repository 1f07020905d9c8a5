"""``serve --kb NAME=PATH`` (several knowledge bases): the option's parsing and checks, and which
knowledge base's panels the 知识库 dropdown shows to whom. The page itself: test_ui_kb_select_browser."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from assistant.cli import build_parser, main
from index.layout import IndexLayout
from ui.access import Access
from ui.kb_select import ServedKb, readable, shown
from ui.knowledge_bases import KbOptionError, KbSpec, parse_kb_specs, serve_plans


def index_folder(path: Path) -> Path:
    """A folder ``require_local_index`` accepts (it looks for the catalog)."""
    catalog = IndexLayout(path).catalog
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.touch()
    return path


def serve_args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["serve", *argv])


def test_kb_values_are_name_equals_path_in_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "扶贫"
    assert parse_kb_specs([f"minzheng={a}", f" 扶贫 = {b} "]) == (KbSpec("minzheng", a), KbSpec("扶贫", b))


@pytest.mark.parametrize(
    ("values", "said"),
    [
        (["fupin"], "格式不对"),
        (["=/data/x"], "格式不对"),
        (["fupin="], "格式不对"),
        (["a b=/data/x"], "知识库名 'a b' 无效"),
        (["x=/data/a", "x=/data/b"], "知识库名 x 重复"),
        (["x=/data/a", "y=/data/a/"], "指向同一个索引目录"),
    ],
)
def test_bad_kb_values_are_refused_in_chinese(values: list[str], said: str) -> None:
    with pytest.raises(KbOptionError, match=said) as caught:
        parse_kb_specs(values)
    assert "--kb" in str(caught.value)


def test_serve_plans_one_knowledge_base_per_kb_option(tmp_path: Path) -> None:
    a, b = index_folder(tmp_path / "a"), index_folder(tmp_path / "b")
    plans = serve_plans(
        serve_args("--kb", f"jiuzhu={a}", "--kb", f"nongji={b}", "--data", str(tmp_path / "w"))
    )
    assert [(p.name, p.settings.index_dir, p.settings.kb_name) for p in plans] == [
        ("jiuzhu", a, "jiuzhu"),
        ("nongji", b, "nongji"),
    ]
    assert [p.data_dir for p in plans] == [tmp_path / "w" / "jiuzhu", tmp_path / "w" / "nongji"]
    assert [p.data_dir for p in serve_plans(serve_args("--kb", f"x={a}", "--kb", f"y={b}"))] == [None, None]


def test_without_kb_the_one_index_is_served_as_before(tmp_path: Path) -> None:
    (plan,) = serve_plans(serve_args("--index", str(tmp_path / "idx"), "--kb-name", "fupin"))
    assert (plan.name, plan.settings.index_dir, plan.data_dir) == ("fupin", tmp_path / "idx", None)


def test_a_kb_path_that_is_no_index_is_named(tmp_path: Path) -> None:
    good, bad = index_folder(tmp_path / "good"), tmp_path / "typo"
    with pytest.raises(KbOptionError) as caught:
        serve_plans(serve_args("--kb", f"a={good}", "--kb", f"b={bad}"))
    message = str(caught.value)
    assert f"--kb b={bad}" in message and "不存在" in message and "policy-assistant ingest" in message


@pytest.mark.parametrize("extra", [["--index", "/data/x"], ["--kb-name", "x"], ["/data/docs"]])
def test_kb_does_not_mix_with_the_single_index_options(tmp_path: Path, extra: list[str]) -> None:
    a, b = index_folder(tmp_path / "a"), index_folder(tmp_path / "b")
    with pytest.raises(KbOptionError, match=r"--kb|多个知识库"):
        serve_plans(serve_args("--kb", f"a={a}", "--kb", f"b={b}", *extra))


def test_serve_prints_one_line_and_exits_2_on_a_bad_kb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "nowhere"
    assert main(["serve", "--kb", f"a={index_folder(tmp_path / 'a')}", "--kb", f"b={bad}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：--kb b=") and str(bad) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_dropdown_offers_what_the_user_may_read_and_shows_one_panel() -> None:
    kbs = [
        ServedKb("jiuzhu", None, Access("jiuzhu", {"zhang": "read", "li": "manage"})),  # type: ignore[arg-type]
        ServedKb("nongji", None, Access("nongji", {"li": "read"})),  # type: ignore[arg-type]
        ServedKb("open", None, Access("open")),  # type: ignore[arg-type]  # no permissions file: everyone
    ]
    assert readable(kbs, "zhang") == ["jiuzhu", "open"]
    assert readable(kbs, "li") == ["jiuzhu", "nongji", "open"]
    assert readable(kbs, None) == ["open"]
    assert shown(kbs, "nongji") == [False, True, False]
    assert shown(kbs, "no-such-kb") == [True, False, False]  # a forged choice: the first, guarded anyway


def test_panels_of_a_knowledge_base_the_user_has_no_role_on_refuse_without_a_toast() -> None:
    """Every knowledge base's panels are on the page, so their page-load events run for every user."""
    from types import SimpleNamespace

    import gradio as gr

    from ui.guard import Guard

    access = Access("nongji", {"li": "read"})
    guard = Guard(None, access, quiet_outsiders=True)  # type: ignore[arg-type]
    assert guard(SimpleNamespace(username="li"), "read") == "li"  # type: ignore[arg-type]
    with pytest.raises(gr.Error) as outsider:
        guard(SimpleNamespace(username="zhang"), "read")  # type: ignore[arg-type]
    assert outsider.value.visible is False and "无权访问知识库 nongji" in outsider.value.message
    with pytest.raises(gr.Error) as reader:
        guard(SimpleNamespace(username="li"), "manage")  # type: ignore[arg-type]
    assert reader.value.visible is True  # a reader asking to manage is told
    with pytest.raises(gr.Error) as loud:
        Guard(None, access)(SimpleNamespace(username="zhang"), "read")  # type: ignore[arg-type]
    assert loud.value.visible is True  # one knowledge base: as before


def test_an_api_call_names_its_knowledge_base_by_kb_or_model() -> None:
    """The open API's choice (ui.api_kbs): a key's role per knowledge base, the model ids, unknown names."""
    from ui.api_gate import ApiError, Caller, Gate
    from ui.api_kbs import ApiKb, ApiKbs
    from ui.api_keys import ApiKey
    from ui.openai_api import kb_of_model

    def served(*names: str) -> ApiKbs:
        return ApiKbs([ApiKb(n, None, Gate(None, Access(n))) for n in names])  # type: ignore[arg-type]

    two, one = served("nongji", "yanglao"), served("default")
    assert [kb_of_model(m, two) for m in ("policy-assistant", "policy-assistant:yanglao", "yanglao")] == [
        two.default, two.all[1], two.all[1],
    ]  # fmt: skip
    assert kb_of_model("policy-assistant:laonian", two) is None and kb_of_model("gpt-4o", two) is None
    assert kb_of_model("policy-assistant:default", one) is one.default
    assert kb_of_model("default", one) is None  # one knowledge base: its model ids are as before
    assert two.find(None) is two.find("") is two.default and two.find("laonian") is None

    key = ApiKey("jiuzhu", "digest", {"yanglao": "read"})
    caller = Caller("api:jiuzhu", key.role("nongji"), key)
    assert [kb.name for kb in two.readable(caller)] == ["yanglao"]
    local = Caller("api:local", "manage")  # no keys file: this machine manages every knowledge base
    assert [kb.name for kb in two.readable(local)] == ["nongji", "yanglao"]
    with pytest.raises(ApiError) as unknown:
        two.choose("laonian", caller, "read", None)  # type: ignore[arg-type]
    assert unknown.value.status == 404 and unknown.value.code == "kb_not_found"
    assert unknown.value.message == "没有名为 laonian 的知识库；可用的知识库：yanglao"
