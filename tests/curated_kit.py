"""The notice the curated-answer tests share (精选答案测试用文件), at the store and at the web page.

Test modules import it as ``curated_kit`` (``tests/`` is on ``sys.path``, see ``document_builders``).
"""

from __future__ import annotations

TEXT = (
    "某某县农村最低生活保障实施办法\n"
    "第二条 农村最低生活保障标准由县级人民政府民政部门确定，每人每月不低于500元。\n"
    "第三条 申请最低生活保障，应当向户籍所在地的乡镇人民政府提出书面申请。\n"
)
QUOTE = "应当向户籍所在地的乡镇人民政府提出书面申请"
QUESTION = "申请农村最低生活保障应当向哪里提出申请？"
