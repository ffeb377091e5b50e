"""Tables behind the synthetic 舟曲县 demo (demo.py): names, townships, crops, destinations, demo rules.

Every figure here is a DEMO VALUE, plausible for a mountain county of southern Gansu but not an
official one: a county replaces the monitoring lines and income rules on its configuration pages.
"""

from __future__ import annotations

from decimal import Decimal


def _words(text: str) -> list[str]:
    return text.split()


# --- names -----------------------------------------------------------------------------------------

# Han surnames common in 舟曲 and the valleys round it, with rough weights (杨 is the most frequent).
HAN_SURNAMES = {
    "杨": 14, "王": 9, "张": 7, "李": 6, "赵": 5, "马": 4, "刘": 4, "陈": 3, "何": 3, "雷": 3, "苏": 2,
    "任": 2, "韩": 2, "魏": 2, "孙": 2, "高": 2, "薛": 2, "梁": 2, "安": 2, "董": 1, "白": 1, "闫": 1,
    "曹": 1, "罗": 1, "朱": 1, "杜": 1, "宋": 1, "邱": 1, "石": 1, "汪": 1, "包": 1, "尹": 1,
}
# Surnames Tibetan families of 舟曲 often carry; most Tibetans there use no surname at all.
TIBETAN_SURNAMES = {"杨": 6, "王": 3, "雷": 2, "张": 1, "安": 1, "苏": 1}
HUI_SURNAMES = {"马": 6, "丁": 2, "穆": 1, "沙": 1}

# Han given names by the decade people were born in: (born before, male names, female names).
HAN_GIVEN = (
    (1960, "福禄 金山 宝山 长生 有才 天才 双喜 德明 玉林 永祥 富贵 万年 占魁 成福",
           "桂兰 秀英 玉梅 秀兰 桂英 凤英 玉兰 春花 金花 翠英 莲花 菊花 改娣 存娣"),
    (1975, "建国 建军 国华 志强 永平 新民 海军 卫东 红军 文明 振华 保平 建平 国庆",
           "彩霞 红梅 秀芳 丽萍 玉霞 淑珍 爱琴 春梅 亚琴 桂芳 红霞 丽华 改花 金莲"),
    (1990, "伟 强 军 勇 斌 磊 涛 鹏 海龙 小军 永刚 春明 文斌 志刚 晓东 红亮 建龙 宏伟",
           "丽 芳 娟 霞 燕 丽娟 小红 海燕 艳 春燕 晓燕 玉霞 娜 静 小燕 红艳 亚楠 丽丽"),
    (2005, "浩 宇 俊杰 浩然 博文 鑫 杰 一鸣 家豪 文博 子龙 天宇 明轩 宇航 嘉伟",
           "欣怡 佳琪 雨涵 思琪 婷 雪 佳慧 心怡 诗琪 梦瑶 欣悦 雅琪 晶晶 倩 佳欣"),
    (9999, "子豪 梓轩 宇轩 浩宇 沐阳 俊熙 睿泽 子墨 一诺 奕辰 铭泽 皓轩",
           "梓涵 一诺 雨桐 可馨 欣妍 若汐 语汐 梓萱 诗涵 依诺 子涵 芷若"),
)
TIBETAN_MALE = _words("扎西 才让 多杰 尼玛 索南 次仁 格桑 旦正 贡保 洛桑 丹增 更登 拉加 南杰 加措 桑杰 东珠 完么 "
                "昂旺 仁青 久美 华旦 当周 吉太 闹吾 万玛 公保 才旦 道吉 拉卜藏")
TIBETAN_FEMALE = _words("卓玛 拉姆 央金 措姆 才草 娘吉 德吉 卓嘎 吉毛 拉毛 卓尕 央宗 达娃 白玛 梅朵 曲珍 草毛 旦知草 "
                  "桑吉草 仁青措 尕藏草 完玛草")
# First halves of two-part names (扎西才让, 次仁卓玛): used for both sexes.
TIBETAN_PREFIXES = _words("扎西 次仁 索南 格桑 尼玛 才让 洛桑 白玛 德吉 央金 更藏 尕藏")


def han_given_names(birth_year: int) -> tuple[list[str], list[str]]:
    """(male, female) given names in fashion for people born in ``birth_year``."""
    for before, male, female in HAN_GIVEN:
        if birth_year < before:
            return male.split(), female.split()
    return HAN_GIVEN[-1][1].split(), HAN_GIVEN[-1][2].split()


# --- townships ----------------------------------------------------------------------------------------

# 舟曲县's townships by code: (share of Tibetan households, high alpine villages?). The Tibetan
# townships of the county lie high in the south and west (博峪, 曲告纳, 拱坝, 插岗, 武坪 …), the
# valley of the 白龙江 (城关, 峰迭, 大川, 江盘) is mostly Han. A rough picture, not census figures.
TOWNSHIPS = {
    "623023100": (0.12, False),  # 城关镇
    "623023101": (0.20, False),  # 大川镇
    "623023102": (0.25, False),  # 峰迭镇
    "623023103": (0.55, False),  # 立节镇
    "623023104": (0.45, False),  # 东山镇
    "623023105": (0.85, True),   # 曲告纳镇
    "623023106": (0.90, True),   # 博峪镇
    "623023107": (0.70, True),   # 巴藏镇
    "623023108": (0.55, False),  # 憨班镇
    "623023109": (0.30, False),  # 坪定镇
    "623023110": (0.50, False),  # 果耶镇
    "623023111": (0.80, True),   # 武坪镇
    "623023112": (0.60, True),   # 大峪镇
    "623023113": (0.25, False),  # 江盘镇
    "623023114": (0.85, True),   # 拱坝镇
    "623023200": (0.65, False),  # 曲瓦乡
    "623023208": (0.50, False),  # 南峪乡
    "623023210": (0.70, True),   # 八楞乡
    "623023212": (0.90, True),   # 插岗乡
}
DEFAULT_TOWNSHIP = (0.30, False)

# --- land, crops and livestock --------------------------------------------------------------------------

# Crops of cultivated land (耕地) by the kind of village: crop -> weight.
VALLEY_CROPS = {"花椒": 34, "核桃": 14, "玉米": 18, "土豆": 10, "党参": 6, "当归": 5, "蔬菜": 5, "小麦": 4}
ALPINE_CROPS = {"土豆": 24, "党参": 16, "当归": 12, "玉米": 12, "青稞": 10, "花椒": 8, "核桃": 6, "蚕豆": 6}
# Livestock: kind -> (probability in a valley village, in an alpine village, fewest, most heads).
LIVESTOCK = {
    "black_pig": (0.55, 0.50, 1, 4),
    "tibetan_chicken": (0.45, 0.40, 5, 30),
    "cattle": (0.12, 0.25, 1, 4),
    "yak": (0.0, 0.25, 3, 25),
    "sheep": (0.05, 0.20, 5, 45),
    "goat": (0.06, 0.05, 5, 20),
    "bee": (0.05, 0.04, 3, 15),
}
# Yearly price factors of the main cash crops (花椒 prices fell after 2022): crop -> {year: factor}.
PRICE_FACTORS = {"花椒": {2023: 1.10, 2024: 0.90, 2025: 0.80}, "羊肚菌": {2023: 1.0, 2024: 1.15, 2025: 0.95}}

# 收入测算规则 of the demo county (DEMO VALUES): (kind, item, yield kg, price yuan/kg, fixed income, cost, note).
INCOME_RULES = (
    ("crop", "花椒", 60, 80, None, 800, "per mu, dried pepper"),
    ("crop", "核桃", 100, 12, None, 300, "per mu, in shell"),
    ("crop", "羊肚菌", 120, 90, None, 6000, "per mu of sheds, fresh morels"),
    ("crop", "党参", 200, 30, None, 1500, "per mu, dried root"),
    ("crop", "当归", 250, 25, None, 2000, "per mu, dried root"),
    ("crop", "玉米", 350, 2.4, None, 400, "per mu"),
    ("crop", "土豆", 1500, 1.2, None, 600, "per mu"),
    ("crop", "青稞", 200, 3.0, None, 300, "per mu"),
    ("crop", "小麦", 250, 2.6, None, 350, "per mu"),
    ("crop", "蚕豆", 150, 6.0, None, 300, "per mu"),
    ("crop", "蔬菜", None, None, 2500, 800, "per mu, kitchen garden sold at market"),
    ("livestock", "black_pig", None, None, 2400, 1400, "per head and year, 黑土猪"),
    ("livestock", "tibetan_chicken", None, None, 120, 50, "per head and year, 藏鸡"),
    ("livestock", "cattle", None, None, 6000, 3000, "per head and year"),
    ("livestock", "yak", None, None, 3500, 1200, "per head and year, 牦牛"),
    ("livestock", "sheep", None, None, 900, 350, "per head and year"),
    ("livestock", "goat", None, None, 800, 300, "per head and year"),
    ("livestock", "bee", None, None, 700, 150, "per colony and year, 中蜂"),
    ("work", "in_county", None, None, 3000, 300, "per month, inside 舟曲县"),
    ("work", "in_province", None, None, 4200, 900, "per month, elsewhere in Gansu"),
    ("work", "out_province", None, None, 5200, 1300, "per month, outside Gansu"),
)

# 防返贫监测线 of Gansu (province code 62) by year: DEMO VALUES the county must replace with the
# province's published figures.
MONITORING_LINES = {2021: 6000, 2022: 6500, 2023: 7000, 2024: 7300, 2025: 7600, 2026: 7900}

# Yearly transfers (DEMO VALUES): basic pension of a villager aged 60+, 低保 and 特困 per person,
# the two disability allowances, subsidies per mu of cultivated land and of public-welfare forest.
PENSION = {2023: 1300, 2024: 1350, 2025: 1400}
DIBAO_PER_PERSON = {2023: 4300, 2024: 4500, 2025: 4700}
TEKUN_PER_PERSON = {2023: 8200, 2024: 8500, 2025: 8800}
DISABILITY_ALLOWANCE = 960
FARMLAND_SUBSIDY_PER_MU = Decimal("90")
FOREST_SUBSIDY_PER_MU = Decimal("14")

# --- work -----------------------------------------------------------------------------------------------

# 务工 destinations of 舟曲 people: (province, city, county, division code, place, weight,
# industries as "industry:weight", jobs, lowest and highest monthly income).
DESTINATIONS = (
    ("新疆维吾尔自治区", "昌吉回族自治州", "", "6523", "out_province", 9, "agriculture:6 construction:3",
     "拾棉花 农场工 建筑工", 3500, 7000),
    ("新疆维吾尔自治区", "乌鲁木齐市", "", "6501", "out_province", 4, "construction:5 services:3 transport:2",
     "建筑工 保安 货车司机", 4000, 7000),
    ("江苏省", "苏州市", "", "3205", "out_province", 10, "manufacturing:8 services:2",
     "电子厂操作工 质检员 保洁", 4200, 6800),
    ("浙江省", "宁波市", "", "3302", "out_province", 8, "manufacturing:7 transport:2 catering:1",
     "普工 快递分拣 服务员", 4200, 7000),
    ("广东省", "东莞市", "", "4419", "out_province", 8, "manufacturing:8 services:2",
     "流水线工人 仓管 保安", 4000, 6800),
    ("陕西省", "西安市", "", "6101", "out_province", 4, "construction:4 catering:3 services:3",
     "建筑工 厨师 服务员", 3800, 6500),
    ("青海省", "西宁市", "", "6301", "out_province", 3, "construction:6 catering:2 mining:2",
     "建筑工 服务员 矿工", 4000, 7000),
    ("甘肃省", "兰州市", "", "6201", "in_province", 12, "construction:5 catering:3 services:3 transport:1",
     "建筑工 服务员 保安 外卖骑手", 3500, 6000),
    ("甘肃省", "甘南藏族自治州", "合作市", "623001", "in_province", 6, "services:4 catering:3 construction:3",
     "服务员 建筑工 商店店员", 3200, 5000),
    ("甘肃省", "甘南藏族自治州", "舟曲县", "623023", "in_county", 18,
     "construction:5 services:3 catering:2 agriculture:2 transport:1",
     "建筑工 服务员 花椒收购点工人 司机", 3000, 4500),
)
EMPLOYERS = {
    "construction": "建筑工程有限公司", "manufacturing": "电子科技有限公司", "services": "物业服务有限公司",
    "catering": "餐饮店", "transport": "物流有限公司", "agriculture": "农业专业合作社", "mining": "矿业有限公司",
}
# Village public-welfare posts (公益性岗位) for people near or past working age: (job, monthly pay).
PUBLIC_POSTS = (("生态护林员", 800), ("村级保洁员", 600), ("河道巡查员", 600), ("地质灾害监测员", 700))

# --- health, housing, monitoring ----------------------------------------------------------------------

CHRONIC = _words("高血压 糖尿病 慢性支气管炎 风湿性关节炎 大骨节病 慢性胃炎 冠心病")
SERIOUS = _words("恶性肿瘤 尿毒症 重性精神病 脑梗后遗症 重度再生障碍性贫血")
DISABILITY = _words("肢体残疾 视力残疾 听力残疾 智力残疾 言语残疾")
PHONE_PREFIXES = _words("133 138 139 150 151 153 158 173 177 180 181 187 188 189 191 193 199")

MEASURES = (
    ("industry", "发放花椒产业奖补资金", 3000),
    ("employment", "推荐到苏州电子厂稳岗就业", None),
    ("public_post", "安排村级公益性岗位（生态护林员）", 9600),
    ("microcredit", "发放脱贫人口小额信贷", 50000),
    ("education", "落实雨露计划职业教育补助", 3000),
    ("health", "落实医疗保障三重制度，申请大病救助", 8000),
    ("housing", "实施农村危房改造", 20000),
    ("social_security", "申请纳入农村低保", None),
)
CADRES = ("杨文书", "李网格", "王镇长", "赵干事", "包村干部陈明")
