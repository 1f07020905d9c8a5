import pytest

from assistant.docmatch import document_hints, lcs_len, name_matches
from assistant.question import analyse, classify, named_documents
from index.catalog import DocRecord


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("村民进城落户，县里能不能要求先退出承包地？", "yesno"),
        ("社会救助暂行办法是从哪天开始施行的？", "deadline"),
        ("扶贫车间计划做优多少家？", "number"),
        ("山西省的县分为哪几类？", "classification"),
        # A division asked without 为/成, and 能不能 inside a modifier (能不能…的地方) that asks nothing.
        ("养殖场按规模分哪三档？", "classification"),
        ("补贴标准分几个等级？", "classification"),
        ("县里把能不能养猪的区域分成哪几类？", "classification"),
        # The kind something is filed under; 啥样的 and 啥性质 ask what it is.
        ("合作社登记以后算个啥法人？", "classification"),
        ("村办厂按经济成分属于哪一块？", "classification"),
        ("村委会算个啥样的组织？", "definition"),
        # A grade asked (几级, 几等功).
        ("这片林子算几级公益林？", "classification"),
        ("退伍兵立过几等功才能优先安置？", "classification"),
        # A figure in the situation (为赔多少钱谈不拢) is not what the last clause asks; of two questions
        # the first is the main one.
        ("两家为赔多少钱谈不拢，最晚啥时候得申请调解？", "deadline"),
        ("两家为赔多少钱谈不拢，调解找谁？", "procedure"),
        ("村干部一届能拿多少补贴？能不能连任？", "number"),
        # A closing 没？ asks as 吗？ does.
        ("法律对收购价有限制没？", "yesno"),
        ("征地方案的公告期最短多长？", "deadline"),
        ("这个条例适用于哪些地方的果园？", "definition"),
        ("办法里说的是哪种合作社？", "definition"),
        ("未来产业有哪些？", "list"),
        ("帮扶产业按哪几个原则来？", "list"),
        ("低保申请最后是哪个部门审批？", "procedure"),
        ("“十五五”时期是个什么定位？", "definition"),
        ("项目公示牌最晚几天内要立起来？", "deadline"),
        # 那几年 / 这几个 point at a count already known: they ask nothing (the question asks 算不算).
        ("退伍后进了单位上班，当兵那几年算不算工龄？", "yesno"),
        ("这几户能不能一起申请？", "yesno"),
        ("那几户每户能领多少钱？", "number"),
        ("村里能选几名代表？", "number"),
        # A verdict asked beside 哪些: the cases listed answer both.
        ("干活时喝醉了受伤算不算工伤？哪些情况不认工伤？", "list"),
        ("哪些牲口要办合格证？自家留着配种的母猪也得办吗？", "list"),
        # 几层 / 几分 ask for a figure.
        ("农村自建房最多能盖几层？", "number"),
        ("低保户家里多久查一回？", "deadline"),
    ],
)
def test_question_types(question: str, qtype: str) -> None:
    assert classify(question) == qtype


def test_unit_and_hints() -> None:
    info = analyse("2023年一号文件里，我们县的低保每人每月多少钱？")
    assert info.unit == "钱" and info.unit_forms == ("元", "万元", "亿元")
    assert info.years == ("2023",)
    assert "一号文件" in info.kinds
    assert "最低生活保障" in info.expansions and "中央一号文件" in info.expansions
    assert "最低生活保障" in info.search_text and info.text not in info.expansions


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("浙江的渔民休渔那几个月，政府每月给发多少生活补助？", "钱"),  # 那几个月 says how long, asks nothing
        ("村里好几户的玉米绝收了，每亩地能领多少补偿款？", "钱"),  # 补偿款 is money; 好几户 asks nothing
        ("这几年村委会一共有几个人？", "人"),
        # the amount per area is asked (处每平方米一千元以上…罚款), not an area
        ("工程占了湿地，按面积每平米罚多少？", None),
        ("宅基地面积最多多少？", "平方米"),
        ("名录里一共列了多少处湿地？", "处"),  # places and rooms are counted in their own words
        ("一户最多能盖几间房？", "间"),
        ("荒山的承包费，每亩每年最低是多少？", "钱"),  # the money word may close the clause before
    ],
)
def test_a_demonstrative_count_asks_no_unit_and_compensation_is_money(
    question: str, unit: str | None
) -> None:
    assert analyse(question).unit == unit


def test_named_documents_are_found_and_question_words_are_not() -> None:
    assert named_documents("北京条例里乡村振兴是谁负总责？") == ("北京条例",)
    assert named_documents("国务院的社会救助暂行办法是从哪天开始施行的？") == ("社会救助暂行办法",)
    assert named_documents("《中华人民共和国乡村振兴促进法》哪天施行？") == ("中华人民共和国乡村振兴促进法",)
    assert named_documents("同时废止了哪部老条例？") == ()
    assert named_documents("耕地占补平衡提的那个新说法是什么？") == ()
    # An issuer and a kind name no particular document; topic words before the demonstrative do.
    assert named_documents("国务院那个条例里讲的农田水利是指哪些措施？") == ()
    assert named_documents("省里那个办法说低保怎么申请？") == ()
    assert named_documents("殡葬那个条例里骨灰怎么处理？") == ("殡葬条例",)
    assert named_documents("国务院那个社会救助办法怎么说？") == ("社会救助办法",)
    # a name may be followed straight by what it allows or says (允不允许, 能不能, 咋说)
    assert named_documents("国家的救助办法允不允许他自己选？") == ("救助办法",)
    assert named_documents("种子条例能不能管到自家留的种？") == ("种子条例",)
    # a short law after 按 starts the name: the topic before it is no part of it
    assert named_documents("草场纠纷按草原法该怎么处理？") == ("草原法",)
    assert named_documents("浇地纠纷按水法该怎么解决？") == ()  # 水法 is too short to name alone
    # a deed (做了个决定) is no title; each owner in front goes (河南的, 县里每年的)
    assert named_documents("合作社理事会做了个决定，我不服咋办？") == ()
    # 决定 after the verb it completes (讨论决定, 研究决定) is a deed too; 三中全会决定 stays a title
    assert named_documents("村民会议能讨论决定哪些事？") == ()
    assert named_documents("班子研究决定的事能改吗？") == ()
    assert named_documents("三中全会决定里讲了啥？") == ("三中全会决定",)
    assert named_documents("河南的乡里每年的帮扶工作方案是谁定的？") == ("帮扶工作方案",)
    # a question of belonging before a name is no part of it; a deed stays no title
    assert named_documents("养鱼塘算不算湿地保护法管的湿地？") == ("湿地保护法",)
    assert named_documents("滩涂水多深以内才算湿地保护法里的湿地？") == ("湿地保护法",)
    assert named_documents("这个属不属于乡村振兴促进法规定的范围？") == ("乡村振兴促进法",)
    assert named_documents("预算法实施条例怎么说？") == ("预算法实施条例",)
    assert named_documents("村里要不要自己做一份森林火灾应急处置方案？") == ()


TITLES = {
    "henan": "河南省农村扶贫开发条例",
    "gd": "广东省乡村振兴促进条例",
    "bj": "北京市乡村振兴促进条例",
    "sz": "中共中央关于进一步全面深化改革 推进中国式现代化的决定",
}


def _docs() -> list[DocRecord]:
    return [DocRecord(k, f"{k}.txt", t, "", "", "", "fp", 1, 0.0) for k, t in TITLES.items()]


def test_name_matching_respects_regions_and_aliases() -> None:
    assert lcs_len("北京条例", TITLES["bj"]) == 4
    assert name_matches("北京条例", TITLES["bj"]) and not name_matches("北京条例", TITLES["gd"])
    assert not name_matches("河南省乡村振兴促进条例", TITLES["gd"])
    assert not name_matches("河南省乡村振兴促进条例", TITLES["henan"])
    assert name_matches("河南省扶贫开发条例", TITLES["henan"])
    assert name_matches("三中全会决定", TITLES["sz"])


def test_character_prefilter_never_changes_a_match() -> None:
    """Titles are passed over before the LCS only when the LCS could not reach the threshold."""
    import random

    from assistant.docmatch import MATCH_THRESHOLD, REGIONS, _variants

    def reference(name: str, title: str) -> bool:  # the matching rule without the prefilter
        regions = [r for r in REGIONS if r in name]
        if regions and not any(r in title for r in regions):
            return False
        return any(lcs_len(v, title) / len(v) >= MATCH_THRESHOLD for v in _variants(name))

    rng = random.Random(5)
    noise = "乡村振兴促进条例扶贫开发办法规定决定意见省市中华人民共和国法关于实施"
    names = ["北京条例", "河南省扶贫开发条例", "乡村振兴促进法", "三中全会决定", "土地管理法"]
    titles = list(TITLES.values())
    for name in names:  # near misses and near hits: the name with characters dropped and noise added
        for _ in range(80):
            kept = [ch for ch in name if rng.random() > 0.12]
            for _ in range(rng.randint(0, 8)):
                kept.insert(rng.randint(0, len(kept)), rng.choice(noise))
            titles.append("".join(kept))
    outcomes = [(name_matches(n, t), reference(n, t)) for n in names for t in titles]
    assert all(new == ref for new, ref in outcomes)
    assert {ref for _, ref in outcomes} == {True, False}  # both kinds of title were tried


def test_document_hints_weights_and_missing() -> None:
    hints = document_hints(analyse("河南省乡村振兴促进条例什么时候施行？"), _docs())
    # Not a missing name but a region gap: 广东 and 北京 have this rule, 河南 has not (the refusal says so).
    assert hints.missing == () and hints.targeted == ()
    assert [(g.kind, g.asked, g.labels) for g in hints.gaps] == [("region", "河南", ("广东", "北京"))]
    hints = document_hints(analyse("河南省土地管理条例什么时候施行？"), _docs())
    assert hints.missing == ("河南省土地管理条例",) and hints.targeted == ()
    hints = document_hints(analyse("省里的乡村振兴促进条例什么时候施行？"), _docs())
    assert set(hints.targeted) == {"gd", "bj"} and not hints.missing
    assert hints.weights["gd"] > hints.weights.get("henan", 1.0) >= 1.0
