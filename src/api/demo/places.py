"""The demo county's places: ids are the ASCII path segments jurisdictions use (API.md v1.1),
names are what people read. Modelled on Zhijin county (织金县, 520524)."""

from __future__ import annotations

COUNTY = "520524"
COUNTY_NAME = {"zh": "织金县", "en": "Zhijin County"}

# Townships of Zhijin and villages as a county has them; the generator takes as many as asked.
TOWNSHIPS: list[tuple[str, str, str]] = [
    ("chengguan", "城关镇", "Chengguan"),
    ("shuangyan", "双堰街道", "Shuangyan"),
    ("babu", "八步街道", "Babu"),
    ("zhuzang", "珠藏镇", "Zhuzang"),
    ("maochang", "猫场镇", "Maochang"),
    ("yina", "以那镇", "Yina"),
    ("heitu", "黑土镇", "Heitu"),
    ("guihua", "桂果镇", "Guiguo"),
]
VILLAGES: list[tuple[str, str, str]] = [
    ("dongmen", "东门村", "Dongmen"),
    ("ximen", "西门村", "Ximen"),
    ("hongqi", "红旗村", "Hongqi"),
    ("xinhua", "新华村", "Xinhua"),
    ("tuanjie", "团结村", "Tuanjie"),
    ("guangming", "光明村", "Guangming"),
    ("heping", "和平村", "Heping"),
    ("shengli", "胜利村", "Shengli"),
    ("qianjin", "前进村", "Qianjin"),
    ("xingfu", "幸福村", "Xingfu"),
]

# R-POST-1: the Zhijin plan's batches — kind, department, title and planned number (000).
POST_KINDS: list[tuple[str, str, str, int]] = [
    ("school", "教育局", "护校员", 173),
    ("road", "交通局", "护路员", 1236),
    ("forest", "林业局", "护林员", 1103),
    ("medical", "卫计局", "护医员", 150),
    ("industrial_park", "工能局", "护厂员", 570),
    ("river", "水务局", "护河员", 322),
    ("village", "住建局", "护寨员", 1238),
    ("patrol", "公安局", "治安巡防员", 1478),
    ("elderly_care", "民政局", "养老护理员", 70),
    ("other", "其他单位", "其他公益岗", 1000),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "秀英桂兰建国志强丽芳伟敏刚军平红梅玉华明霞勇杰娟涛超艳静磊洋琴云兵林辉芬燕波斌龙"


def place_names(lang: str) -> dict[str, str]:
    """Readable names of the demo county's path segments, in ``lang`` (``zh`` or ``en``)."""
    column = 1 if lang == "zh" else 2
    names = {COUNTY: COUNTY_NAME[lang]}
    for row in (*TOWNSHIPS, *VILLAGES):
        names[row[0]] = row[column]
    return names
