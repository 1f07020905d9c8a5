"""The rural-revitalization knowledge base (乡村振兴文件) the constraint tests ask: two central No. 1
documents (2023, 2025), the 广东 and 北京 promotion regulations and the national promotion law, in an
in-memory knowledge base."""

from __future__ import annotations

from assistant_fakes import Doc, FakeKnowledgeBase

from assistant.types import Answer

YIHAO_2023 = Doc(
    "yh2023",
    "中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见（2023年中央一号文件）",
    "中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见\n"
    "加强高标准农田建设，2023年新建高标准农田4500万亩，改造提升高标准农田。\n"
    "健全种粮农民收益保障机制，稳定种粮农民补贴。",
    issuer="中共中央 国务院",
    date="2023-01-02",
)
YIHAO_2025 = Doc(
    "yh2025",
    "中共中央 国务院关于进一步深化农村改革 扎实推进乡村全面振兴的意见（2025年中央一号文件）",
    "中共中央 国务院关于进一步深化农村改革 扎实推进乡村全面振兴的意见\n"
    "高标准农田建设要提高标准，2025年新建高标准农田不少于3000万亩。\n"
    "完善覆盖农村人口的常态化防止返贫致贫机制。",
    issuer="中共中央 国务院",
    date="2025-01-01",
)
GUANGDONG = Doc(
    "gd",
    "广东省乡村振兴促进条例",
    "广东省乡村振兴促进条例\n第二十条 村庄保洁经费由县级人民政府统筹安排，每村每年不少于5万元。",
    issuer="广东省人民代表大会常务委员会",
    date="2022-06-01",
)
BEIJING = Doc(
    "bj",
    "北京市乡村振兴促进条例",
    "北京市乡村振兴促进条例\n第三十条 农村公路养护资金由区人民政府统筹安排，每公里每年不低于1万元。\n"
    "第三十一条 村庄保洁由村民委员会组织实施。",
    issuer="北京市人民代表大会常务委员会",
    date="2024-05-31",
)
LAW = Doc(
    "law",
    "中华人民共和国乡村振兴促进法",
    "中华人民共和国乡村振兴促进法\n第十条 国家建立乡村振兴考核评价制度。\n"
    "第二十条 各级人民政府应当支持农业社会化服务企业发展。\n"
    "第二十一条 农民专业合作社依法自主开展经营活动。\n"
    "第七十四条 本法自2021年6月1日起施行。",
    issuer="全国人民代表大会常务委员会",
    date="2021-04-29",
)

KB = FakeKnowledgeBase([YIHAO_2023, YIHAO_2025, GUANGDONG, BEIJING, LAW])


def cited(answer: Answer) -> list[str]:
    return [c.doc_id for c in answer.citations]
