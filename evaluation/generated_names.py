"""How cadres name a document (文件称呼) and what the corpus does not hold (语料之外的约束).

Used by :mod:`evaluation.generated`: every document gets a formal name, loose names (乡村振兴法,
23年一号文件, 十五五建议) and misspellings (乡村振新促进法); an unanswerable question swaps a year,
region, document or subject for one that no loaded document has, checked against the corpus itself.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ABSENT_DOCUMENTS",
    "ABSENT_SUBJECTS",
    "PROVINCES",
    "DocNames",
    "doc_names",
    "misspell",
]

# Characters a cadre types for another (同音、形近): the misspelling keeps the name recognisable.
_CONFUSABLE = {
    "振": "震", "兴": "新", "促": "足", "进": "近", "条": "调", "例": "列", "法": "发", "办": "半",
    "救": "就", "助": "主", "扶": "服", "贫": "频", "集": "级", "济": "计", "组": "族", "织": "职",
    "件": "见", "号": "好", "规": "归", "划": "化", "建": "健", "议": "意", "决": "绝", "定": "订",
    "村": "存", "乡": "香", "农": "浓", "经": "京", "暂": "站", "行": "形", "社": "设", "会": "汇",
    "意": "义", "见": "件", "开": "凯", "发": "法", "体": "提", "展": "战",
}  # fmt: skip

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip

# National laws and rules a cadre may name; the ones the corpus holds are filtered out at generation.
ABSENT_DOCUMENTS = (
    "土地管理法", "农村土地承包法", "村民委员会组织法", "种子法", "农产品质量安全法", "森林法", "草原法",
    "水土保持法", "义务教育法", "食品安全法", "劳动合同法", "慈善法", "老年人权益保障法", "城乡规划法",
    "特困人员认定办法", "城乡居民基本养老保险条例", "农村五保供养工作条例", "土地管理法实施条例",
)  # fmt: skip

# (words a question may hold, a subject the corpus never mentions that can stand in their place)
ABSENT_SUBJECTS = (
    ("农民工", "外卖骑手"), ("脱贫人口", "网约车司机"), ("监事", "出纳员"), ("理事会", "董事会"),
    ("村民委员会", "业主委员会"), ("家庭农场", "民宿经营户"), ("特困人员", "独生子女家庭"),
    ("最低生活保障", "高龄津贴"), ("低保", "育儿补贴"), ("集体经济组织", "物业服务企业"),
    ("农村低收入人口", "退休职工"), ("残疾人", "快递员"), ("种粮农民", "渔船船员"),
    ("新型农业经营主体", "直播带货主播"), ("驻村工作队", "大学生志愿者服务队"),
)  # fmt: skip

_CN_ORDINAL = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class DocNames:
    """Names of one document: ``formal`` as written, ``loose`` as people say it, the ``year`` and
    ``region`` the name pins down (empty when none)."""

    formal: str
    loose: tuple[str, ...]
    year: str = ""
    region: str = ""


def _short(title: str) -> str:
    return re.sub(r"[（(][^（()）]*[)）]$", "", title.strip()).strip() or title.strip()


def doc_names(title: str) -> DocNames:
    """The formal and loose names of a document from its title (文件的正式与口语称呼)."""
    title = re.sub(r"[\s\u3000]+", "", title)
    note = re.search(r"[（(]([^（()）]*文件)[)）]$", title)
    formal = note.group(1) if note else _short(title)
    loose: list[str] = []
    year_m = re.search(r"(\d{4})年", formal)
    year = year_m.group(1) if year_m else ""
    region = next((p for p in PROVINCES if formal.startswith(p)), "")
    if formal.startswith("中华人民共和国"):
        formal = formal[len("中华人民共和国") :]
    if "一号文件" in formal and year:
        loose += [f"{year}年一号文件", f"{year[2:]}年一号文件", f"{year}年的中央一号文件"]
    five = re.search(rf"第([{_CN_ORDINAL}]+)个五年规划的(建议|纲要)", formal)
    if five:
        loose += [f"{five.group(1)}五规划{five.group(2)}", f"{five.group(1)}五{five.group(2)}"]
    about = re.search(r"关于(.{2,30})的(决定|意见|建议|通知)$", formal)
    if about and not loose:
        core = re.sub(r"^(进一步|做好|制定)", "", about.group(1))
        loose.append(core.split("推进")[0][:10] + "的" + about.group(2))
    if region:
        short_region = region.rstrip("省市").replace("自治区", "")
        body = formal[len(region) :]
        loose += [short_region + body, short_region + body.replace("促进", "")]
        loose.append(f"{short_region}的{body[-2:]}")  # 北京的条例
    if formal.endswith("法") and not region:
        loose += [formal.replace("促进", ""), formal.replace("农村", "")]
    if "暂行" in formal:
        loose.append(formal.replace("暂行", ""))
    loose = [name for name in dict.fromkeys(loose) if name != formal and len(name) >= 3]
    return DocNames(formal, tuple(loose), year, region)


def misspell(name: str, rng: random.Random) -> str:
    """``name`` with one character typed as a homophone or look-alike (错别字), or "" when none fits."""
    spots = [i for i, ch in enumerate(name) if ch in _CONFUSABLE and i > 0]
    if not spots:
        return ""
    i = rng.choice(spots)
    return name[:i] + _CONFUSABLE[name[i]] + name[i + 1 :]


def absent(candidates: Sequence[str], corpus_texts: Sequence[str]) -> list[str]:
    """The candidates no document mentions (not in any title nor text): safe to ask about."""
    return [c for c in candidates if not any(c in t for t in corpus_texts)]
