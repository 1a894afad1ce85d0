"""Template knowledge: the national function classification (政府收支分类科目, 支出功能分类 类级).

Used to recognise a 类 row printed by name without its code. This is the public classification
standard, not data from any document.
"""

from __future__ import annotations

FUNCTION_CLASSES: dict[str, str] = {
    "201": "一般公共服务支出", "202": "外交支出", "203": "国防支出", "204": "公共安全支出", "205": "教育支出",
    "206": "科学技术支出", "207": "文化旅游体育与传媒支出", "208": "社会保障和就业支出", "209": "社会保险基金支出",
    "210": "卫生健康支出", "211": "节能环保支出", "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出",
    "215": "资源勘探工业信息等支出", "216": "商业服务业等支出", "217": "金融支出", "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出", "221": "住房保障支出", "222": "粮油物资储备支出", "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出", "227": "预备费", "229": "其他支出", "230": "转移性支出", "231": "债务还本支出",
    "232": "债务付息支出", "233": "债务发行费用支出", "234": "抗疫特别国债安排的支出",
}
# older names of the same classes
FUNCTION_CLASSES_ALIASES: dict[str, str] = {"文化体育与传媒支出": "207", "医疗卫生与计划生育支出": "210",
                                            "资源勘探信息等支出": "215", "国土海洋气象等支出": "220"}

ECONOMIC_CLASSES: dict[str, str] = {
    "301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "307": "债务利息及费用支出",
    "309": "资本性支出（基本建设）", "310": "资本性支出", "311": "对企业补助（基本建设）", "312": "对企业补助",
    "313": "对社会保障基金补助", "399": "其他支出",
}


def class_code(name: str) -> str | None:
    """The 类 code of a function or economic class printed by name only (None if not a class name)."""
    for table in (FUNCTION_CLASSES, ECONOMIC_CLASSES):
        for code, n in table.items():
            if name == n:
                return code
    return FUNCTION_CLASSES_ALIASES.get(name)
