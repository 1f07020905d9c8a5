import pytest

from assistant.answer_types.yesno import verdict
from assistant.clauses import clause_span
from assistant.compose import clause_window, missing_figures, short_answer, strip_unbacked
from assistant.extract import Span, bodies, dates, enumerations, figures, past_join, quantities
from assistant.modals import obligations
from assistant.question import analyse

SHANXI = "重点抓好4.4万个产业扶贫项目后续运营，5479座光伏村级电站、53座集中电站的运维管理和收益分配。"


def test_quantities_with_units_and_ranges() -> None:
    got = [s.text for s in quantities(SHANXI)]
    assert got == ["4.4万个", "5479座", "53座"]
    assert [s.text for s in quantities("处非法所得1倍以上3倍以下的罚款")] == ["1倍以上3倍以下"]
    assert "五户至十五户" in [s.text for s in quantities("一般每五户至十五户选举代表一人")]
    assert "四分之三以上" in [s.text for s in quantities("全体成员四分之三以上同意")]
    # 一次性 says at once (a lump sum, a disposable thing), not a count; 评定一次 is one
    assert [s.text for s in quantities("给予一次性补助5000元")] == ["5000元"]
    assert [s.text for s in quantities("重复使用一次性医疗器械的")] == []
    assert [s.text for s in quantities("每年评定一次")] == ["一次"]
    # Things counted by a measure word are figures too: 多少张 asks for 五百张床位以上
    assert [s.text for s in quantities("规模在五百张床位以上的养老机构应当设立医疗机构")] == ["五百张"]
    assert [s.text for s in quantities("一式三份，每户一宗")] == ["三份", "一宗"]


def test_dates_and_periods() -> None:
    assert [s.text for s in dates("本办法自2014年5月1日起施行。")] == ["自2014年5月1日起施行"]
    assert "到“十四五”期末" not in [s.text for s in dates("到2025年")]
    assert [s.text for s in dates("应当在项目开工后十日内设立公示牌")] == ["十日内"]
    assert any("过渡期" in s.text for s in dates("设立5年过渡期"))


def test_enumeration_bodies_and_obligations() -> None:
    spans = enumerations("培育量子科技、生物制造、氢能和核聚变能、脑机接口、具身智能、第六代移动通信等")
    assert spans and "量子科技" in spans[0].text and "第六代移动通信" in spans[0].text
    assert any(s.text == "县级人民政府" for s in bodies("县级人民政府负责扶贫开发的精准识别"))
    kinds = {s.kind for s in obligations("不得以退出土地承包经营权作为农民进城落户的条件")}
    assert kinds == {"no"}


def test_verdicts() -> None:
    assert verdict(Span(0, 2, "no", "不得")) == "不能"
    assert verdict(Span(0, 2, "no", "免征")) == "不需要"
    assert verdict(Span(0, 2, "yes", "可以")) == "可以"
    assert verdict(None) is None
    assert short_answer(analyse("能不能？"), Span(0, 2, "no", "不得")) == "不能"


def test_clause_window_keeps_span_and_limit() -> None:
    sentence = "甲" * 60 + "，" + "乙" * 30 + "，5479座光伏村级电站，" + "丙" * 60 + "。"
    span = Span(sentence.index("5479"), sentence.index("5479") + 5, "number", "5479座")
    s, e = clause_window(sentence, span, ["光伏"], 80)
    assert s <= span.start and span.end <= e and e - s <= 80
    assert clause_window("短句。", None, [], 80) == (0, 3)


def test_figure_checks() -> None:
    assert figures("到2025年达到65%以上，建成3000万人") == ["2025", "65%", "3000"]
    assert missing_figures("建成5479座电站", ["5479座光伏村级电站"]) == []
    assert missing_figures("建成6000座电站", ["5479座光伏村级电站"]) == ["6000"]
    assert strip_unbacked("共5479座。另有9999座。", ["5479座"]) == "共5479座。"


@pytest.mark.parametrize(
    ("clause", "items"),
    [
        # No verb before a short clause's first item: the item is the clause after its opening, not a
        # cut as long as the other items (产经营组织, 校毕业生, 全财政).
        ("由农业生产经营组织、村民委员会等单位组织农民投保的", "农业生产经营组织、村民委员会"),
        ("完善高校毕业生、农民工、退役军人", "高校毕业生、农民工、退役军人"),
        ("健全劳动、资本、土地、知识、技术、管理、数据", "劳动、资本、土地、知识、技术、管理、数据"),
        ("第三十四条 电力、电视、通信", "电力、电视、通信"),
        # 从事 and 经营 are words, not a preposition before the item.
        ("从事种植业的农民、农业种植大户、家庭农场等", "从事种植业的农民、农业种植大户、家庭农场"),
        ("经营主体、村集体等", "经营主体、村集体"),
        # A parenthesis belongs to its item; the 等 of 高等 and 平等 closes no run.
        (
            "对在高中教育(含中等职业教育)、普通高等教育阶段就学的家庭成员、特困供养人员",
            "高中教育(含中等职业教育)、普通高等教育阶段就学的家庭成员、特困供养人员",
        ),
        ("坚持男女平等、城乡统筹、公平公正", "男女平等、城乡统筹、公平公正"),
    ],
)
def test_the_first_item_of_a_short_clause_starts_after_its_opening(clause: str, items: str) -> None:
    assert [s.text for s in enumerations(clause)] == [items]


def test_a_span_starts_after_the_conjunction_that_joined_its_clause() -> None:
    (items,) = enumerations("房屋倒塌的家庭，并给予资金、物资。")
    assert items.text == "给予资金、物资"
    sentence = "村民委员会成员及其近亲属，以及村文书、村报账员不得担任村务监督委员会成员。"
    clause = clause_span(sentence, ["村文书", "村报账员"])
    assert clause is not None and clause.text.startswith("村文书、村报账员")
    assert sentence[clause.start : clause.end] == clause.text
    # 及时 and 并且 are words, not joins; a bare conjunction stays as it is.
    assert past_join("及时公布", 0, 4) == 0 and past_join("并且当场登记", 0, 6) == 0
    assert past_join("和它", 0, 2) == 0 and past_join("或者市场监督管理部门", 0, 10) == 2
