"""Policy lexicon (政策词表): synonyms, abbreviations and colloquial wording → document wording.

Cadres ask in everyday words (退了承包地, 户口, 干活); the documents use formal terms (退出土地承包
经营权, 户籍, 工作). Expansions are appended to the question for retrieval and term matching only;
they never appear in an answer.
"""

from __future__ import annotations

# colloquial or abbreviated form → formal forms found in policy documents
SYNONYMS: dict[str, tuple[str, ...]] = {
    "一号文件": ("中央一号文件",),
    "脱贫县": ("脱贫摘帽县", "脱贫县"),
    "贫困县": ("贫困县", "脱贫摘帽县"),
    "低保": ("最低生活保障",),
    "五保": ("特困人员供养",),
    "特困": ("特困人员",),
    "三中全会": ("进一步全面深化改革", "推进中国式现代化的决定"),
    "十五五": ("第十五个五年规划",),
    "十四五": ("第十四个五年规划",),
    "集体经济组织法": ("农村集体经济组织法",),
    "社会救助办法": ("社会救助暂行办法",),
    "扶贫条例": ("扶贫开发条例",),
    "促进法": ("乡村振兴促进法",),
    "承包地": ("土地承包经营权", "承包经营权"),
    "宅基地": ("宅基地使用权",),
    "户口": ("户籍",),
    "落户": ("落户", "户籍"),
    "干活": ("工作",),
    "打工": ("务工",),
    "回来": ("返乡",),
    "回乡": ("返乡",),
    "钱": ("资金",),
    "当": ("担任",),
    "多久": ("期限", "时间"),
    "多长时间": ("期限", "时间"),
    "哪天": ("施行", "日期"),
    "什么时候": ("施行", "时间"),
    "啥时候": ("施行", "时间"),
    "开始施行": ("起施行",),
    "嫁": ("结婚",),
    "村里": ("村",),
    "县里": ("县级人民政府",),
    "乡镇": ("乡镇人民政府",),
    "护林员": ("生态护林员",),
    "通信": ("通讯",),
    "网络": ("网络", "信号"),
    "房子": ("住房",),
    "看病": ("医疗",),
    "上学": ("教育",),
    "补贴": ("补贴", "补助"),
}

# Documents are named in many ways; these cues name a document kind or an issuer region.
REGIONS = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip


def expansions(question: str) -> list[str]:
    """Formal terms implied by the question's colloquial or abbreviated wording."""
    out: list[str] = []
    for key, forms in SYNONYMS.items():
        if key in question:
            out.extend(f for f in forms if f not in question and f not in out)
    return out
