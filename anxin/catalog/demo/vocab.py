"""Word lists for the demo world: shops, products, places and carriers (data only, no logic)."""

from __future__ import annotations

from typing import NamedTuple


class Shop(NamedTuple):
    code: str
    name: str
    categories: tuple[str, ...]  # leaf category codes from reference.py
    status: str  # applying | active | warned
    weight: int  # relative share of orders


SHOPS: list[Shop] = [
    Shop("youyifang", "优衣坊旗舰店", ("apparel-clothing", "apparel-underwear"), "active", 6),
    Shop("chaopai-men", "潮牌男装专营店", ("apparel-clothing",), "warned", 3),
    Shop("bulv-shoes", "步履鞋靴旗舰店", ("apparel-shoes",), "active", 4),
    Shop("nuanrong", "暖绒内衣旗舰店", ("apparel-underwear",), "active", 2),
    Shop("mianyu-home", "棉语家纺旗舰店", ("home-bedding",), "active", 3),
    Shop(
        "jiguang-digital", "极光数码旗舰店", ("digital-phones", "digital-accessories"), "active", 6
    ),
    Shop(
        "xingchen-pc", "星辰电脑专营店", ("digital-computers", "digital-accessories"), "active", 3
    ),
    Shop("kuaichong", "快充配件专营店", ("digital-accessories",), "warned", 3),
    Shop("zhixiang-mobile", "智享手机专营店", ("digital-phones",), "active", 3),
    Shop("yunfan-appliance", "云帆电器官方旗舰店", ("appliances-large",), "active", 3),
    Shop("xiaolu-life", "小鹿生活电器旗舰店", ("appliances-small",), "active", 4),
    Shop("meichu", "美厨小家电专营店", ("appliances-small",), "active", 2),
    Shop("guoyuan-fresh", "果园鲜生旗舰店", ("fresh-fruit",), "active", 5),
    Shop("yugang-seafood", "渔港海鲜旗舰店", ("fresh-seafood",), "active", 3),
    Shop("shanye-snacks", "山野零食铺", ("food",), "active", 4),
    Shop("mingxiang-tea", "茗香茶叶旗舰店", ("food",), "active", 2),
    Shop("huayang-beauty", "花漾美妆旗舰店", ("beauty-skincare", "beauty-makeup"), "active", 6),
    Shop("shuiguangji", "水光肌护肤专营店", ("beauty-skincare",), "active", 3),
    Shop("meise-makeup", "魅色彩妆旗舰店", ("beauty-makeup",), "active", 3),
    Shop("shuxiangge", "书香阁图书专营店", ("books-print",), "active", 4),
    Shop("wenyuan-books", "文渊书店", ("books-print",), "active", 2),
    Shop("kanlin", "刊林期刊订阅中心", ("books-periodicals",), "active", 2),
    Shop("jiangxin-custom", "匠心刻字定制馆", ("custom-engraved",), "active", 2),
    Shop("jincai-tailor", "锦裁量体定制", ("custom-tailored",), "active", 1),
    Shop("changchong", "畅充卡券专营店", ("virtual-cards",), "active", 3),
    Shop("zhengban-soft", "正版软件商城", ("virtual-software",), "active", 1),
    Shop("baobeiwu", "宝贝屋母婴旗舰店", ("baby",), "active", 4),
    Shop("dongli-sports", "动力运动户外旗舰店", ("sports",), "active", 3),
    Shop("shanfeng-outdoor", "山峰户外专营店", ("sports",), "applying", 0),
    Shop("jianju", "简居家居生活馆", ("home-bedding",), "applying", 0),
]

WARNING_REASONS = ["发货超时率连续两周超过平台标准，限期整改", "商品描述不符投诉率偏高，限期整改"]

# root category → (free shipping from, fee below it, threshold promotions 满X减Y)
SHOP_RULES: dict[str, tuple[int | None, int, list[tuple[int, int]]]] = {
    "apparel": (99, 8, [(299, 30), (199, 20)]),
    "home": (199, 10, [(499, 50), (299, 30)]),
    "digital": (None, 0, [(1999, 100), (999, 50), (199, 15)]),
    "appliances": (None, 0, [(2999, 200), (999, 60), (299, 20)]),
    "fresh": (99, 10, [(199, 20), (99, 10)]),
    "food": (59, 6, [(199, 25), (99, 10)]),
    "beauty": (99, 8, [(399, 50), (199, 20)]),
    "books": (99, 6, [(200, 40), (100, 15)]),
    "custom": (199, 10, [(599, 50)]),
    "virtual": (None, 0, []),
    "baby": (99, 8, [(399, 40), (199, 20)]),
    "sports": (99, 8, [(499, 50), (299, 30)]),
}

# variant kind → (label, price multiplier)
_COLOURS = ["黑色", "白色", "藏青", "卡其", "灰色"]
VARIANTS: dict[str, list[tuple[str, float]]] = {
    "none": [("", 1.0)],
    "size": [(f"{c} {s}", 1.0) for c in _COLOURS for s in ("S", "M", "L", "XL", "XXL")],
    "shoe": [(f"{c} {s}码", 1.0) for c in ("黑色", "白色", "米色") for s in range(36, 45)],
    "colour": [(c, 1.0) for c in ("曜石黑", "冰川白", "雾霾蓝", "樱花粉")],
    "storage": [("8GB+128GB", 1.0), ("12GB+256GB", 1.2), ("16GB+512GB", 1.45)],
    "config": [("i5/16GB/512GB", 1.0), ("i7/32GB/1TB", 1.3)],
    "weight": [("5斤装", 1.0), ("10斤装", 1.8)],
    "pack": [("单盒装", 1.0), ("两盒装", 1.9)],
    "volume": [("标准装", 1.0), ("大容量装", 1.6)],
    "shade": [(s, 1.0) for s in ("#999 正红色", "#520 豆沙色", "#316 枫叶红", "#02 自然色")],
    "bed": [("1.5m床", 1.0), ("1.8m床", 1.15), ("2.0m床", 1.3)],
    "hp": [("1匹", 0.85), ("1.5匹", 1.0), ("2匹", 1.25)],
    "inch": [("55英寸", 0.75), ("65英寸", 1.0), ("75英寸", 1.45)],
    "face": [("50元", 0.5), ("100元", 1.0), ("200元", 2.0)],
    "diaper": [(f"{s}码", 1.0) for s in ("NB", "S", "M", "L", "XL")],
    "term": [("半年", 0.55), ("全年", 1.0)],
}

# leaf category → products: (name, lowest price, highest price, variant kind)
PRODUCTS: dict[str, list[tuple[str, int, int, str]]] = {
    "apparel-clothing": [
        ("纯棉圆领短袖T恤", 49, 129, "size"),
        ("修身弹力牛仔裤", 129, 299, "size"),
        ("轻薄白鸭绒羽绒服", 299, 899, "size"),
        ("宽松连帽卫衣", 99, 259, "size"),
        ("商务免烫长袖衬衫", 119, 299, "size"),
        ("高腰A字半身裙", 89, 239, "size"),
        ("羊毛混纺针织开衫", 199, 499, "size"),
        ("冰丝休闲西裤", 99, 229, "size"),
    ],
    "apparel-underwear": [
        ("莫代尔无痕内裤3条装", 59, 129, "size"),
        ("纯棉中筒袜5双装", 29, 69, "colour"),
        ("无钢圈舒适文胸", 89, 199, "size"),
        ("加绒保暖内衣套装", 99, 259, "size"),
        ("纯棉家居服睡衣套装", 99, 229, "size"),
    ],
    "apparel-shoes": [
        ("轻便透气跑步鞋", 199, 599, "shoe"),
        ("真皮商务皮鞋", 299, 799, "shoe"),
        ("百搭小白板鞋", 129, 359, "shoe"),
        ("加绒雪地靴", 159, 399, "shoe"),
        ("室内防滑拖鞋", 29, 79, "shoe"),
    ],
    "home-bedding": [
        ("全棉磨毛四件套", 199, 699, "bed"),
        ("95白鹅绒羽绒被", 499, 1599, "bed"),
        ("泰国天然乳胶枕", 99, 299, "none"),
        ("天丝凉席三件套", 199, 499, "bed"),
        ("珊瑚绒加厚毛毯", 69, 199, "colour"),
    ],
    "digital-phones": [
        ("星耀X5 5G智能手机", 1999, 3999, "storage"),
        ("畅享Lite 5G手机", 999, 1599, "storage"),
        ("折叠屏旗舰手机 Fold", 6999, 8999, "storage"),
        ("大字大声老人手机", 199, 399, "colour"),
        ("影像旗舰Pro 5G手机", 4999, 6499, "storage"),
    ],
    "digital-computers": [
        ("14英寸轻薄笔记本电脑", 3999, 5999, "config"),
        ("16英寸电竞游戏本", 6999, 9999, "config"),
        ("11英寸平板电脑", 1999, 3599, "storage"),
        ("27英寸4K显示器", 1299, 2599, "none"),
        ("迷你台式主机", 2499, 4599, "config"),
    ],
    "digital-accessories": [
        ("65W氮化镓快充充电器", 69, 169, "colour"),
        ("20000mAh移动电源", 99, 199, "colour"),
        ("真无线降噪蓝牙耳机", 199, 899, "colour"),
        ("Type-C快充数据线", 19, 49, "colour"),
        ("手机钢化膜2片装", 19, 39, "none"),
        ("机械键盘 红轴", 199, 499, "colour"),
        ("无线静音鼠标", 49, 149, "colour"),
    ],
    "appliances-large": [
        ("变频冷暖空调挂机", 2599, 3999, "hp"),
        ("10公斤滚筒洗衣机", 1999, 3999, "none"),
        ("双开门风冷无霜冰箱", 2999, 5999, "none"),
        ("4K智能液晶电视", 2999, 4999, "inch"),
        ("60升一级能效电热水器", 999, 1999, "none"),
    ],
    "appliances-small": [
        ("4L智能电饭煲", 199, 599, "colour"),
        ("5L可视空气炸锅", 199, 459, "colour"),
        ("静音破壁料理机", 299, 899, "colour"),
        ("声波电动牙刷", 129, 399, "colour"),
        ("高速负离子吹风机", 299, 1299, "colour"),
        ("扫拖一体扫地机器人", 1499, 3299, "none"),
        ("1.7L不锈钢电热水壶", 69, 159, "colour"),
    ],
    "fresh-fruit": [
        ("陕西洛川红富士苹果", 29, 69, "weight"),
        ("海南贵妃芒果", 39, 89, "weight"),
        ("智利车厘子JJ级", 129, 299, "pack"),
        ("四川爱媛38号果冻橙", 39, 79, "weight"),
        ("云南高山蓝莓125g×4盒", 49, 99, "pack"),
        ("新疆阿克苏冰糖心苹果", 39, 89, "weight"),
    ],
    "fresh-seafood": [
        ("鲜活阳澄湖大闸蟹8只装", 199, 499, "none"),
        ("阿根廷红虾2kg", 129, 229, "none"),
        ("舟山冷冻带鱼段1kg", 59, 129, "pack"),
        ("冰鲜三文鱼刺身500g", 99, 199, "none"),
        ("鲜活小龙虾3斤", 89, 169, "none"),
    ],
    "food": [
        ("每日坚果30包", 99, 169, "none"),
        ("手撕风干牛肉干500g", 59, 129, "pack"),
        ("重庆麻辣火锅底料4袋", 29, 59, "pack"),
        ("明前西湖龙井250g", 199, 699, "none"),
        ("九蒸九晒黑芝麻丸", 39, 69, "pack"),
        ("全麦无蔗糖吐司1kg", 29, 49, "none"),
    ],
    "beauty-skincare": [
        ("玻尿酸补水精华液30ml", 199, 499, "volume"),
        ("烟酰胺亮肤面霜50g", 159, 399, "volume"),
        ("氨基酸温和洁面乳120g", 59, 129, "volume"),
        ("修护保湿面膜10片", 79, 169, "pack"),
        ("清透防晒霜SPF50+", 89, 199, "volume"),
        ("淡纹紧致眼霜15ml", 199, 599, "none"),
    ],
    "beauty-makeup": [
        ("丝绒哑光口红", 99, 299, "shade"),
        ("持妆粉底液30ml", 199, 459, "shade"),
        ("大地色十色眼影盘", 129, 399, "none"),
        ("防水细芯眉笔", 29, 79, "shade"),
        ("控油定妆散粉", 99, 299, "none"),
    ],
    "books-print": [
        ("《三体》全三册", 93, 93, "none"),
        ("《活着》余华 著", 45, 45, "none"),
        ("《人类简史》", 68, 68, "none"),
        ("《Python编程：从入门到实践（第3版）》", 109, 109, "none"),
        ("《红楼梦》（全二册）", 59, 59, "none"),
        ("《明朝那些事儿》全九册", 358, 358, "none"),
        ("《小王子》精装彩绘本", 39, 39, "none"),
        ("《百年孤独》", 55, 55, "none"),
        ("《算法导论（原书第4版）》", 168, 168, "none"),
    ],
    "books-periodicals": [
        ("《读者》杂志订阅", 120, 120, "term"),
        ("《三联生活周刊》订阅", 480, 480, "term"),
        ("《中国国家地理》订阅", 240, 240, "term"),
        ("《环球科学》订阅", 360, 360, "term"),
        ("《故事会》订阅", 96, 96, "term"),
        ("《意林》订阅", 144, 144, "term"),
    ],
    "custom-engraved": [
        ("刻字不锈钢保温杯500ml", 69, 159, "colour"),
        ("情侣刻字纯银手链", 199, 599, "none"),
        ("刻字钢笔礼盒", 129, 399, "colour"),
        ("照片定制水晶摆件", 99, 299, "none"),
        ("刻字实木书签礼盒", 39, 89, "none"),
    ],
    "custom-tailored": [
        ("量体定制羊毛西服套装", 1999, 5999, "none"),
        ("量体定制商务衬衫", 399, 899, "none"),
        ("手工定制真丝旗袍", 899, 2599, "none"),
        ("量体定制西裤", 599, 1299, "none"),
        ("量体定制羊绒大衣", 2599, 6999, "none"),
    ],
    "virtual-software": [
        ("办公软件家庭版年度订阅", 299, 499, "none"),
        ("杀毒软件1年3设备", 99, 199, "none"),
        ("图片编辑软件永久授权", 399, 899, "none"),
        ("英语学习App年度会员", 199, 399, "none"),
        ("网盘超级会员年卡", 198, 298, "none"),
        ("思维导图软件专业版", 129, 259, "none"),
    ],
    "virtual-cards": [
        ("中国移动话费充值", 100, 100, "face"),
        ("视频会员年卡", 198, 248, "none"),
        ("音乐会员12个月", 148, 168, "none"),
        ("咖啡电子券10杯", 199, 259, "none"),
        ("超市电子购物卡", 500, 500, "face"),
    ],
    "baby": [
        ("婴儿纸尿裤84片", 99, 169, "diaper"),
        ("婴幼儿配方奶粉3段800g", 199, 399, "pack"),
        ("婴儿手口湿巾80抽×10包", 49, 89, "none"),
        ("宝宝高铁辅食米粉", 39, 79, "pack"),
        ("儿童安全座椅", 699, 1999, "colour"),
    ],
    "sports": [
        ("加厚防滑瑜伽垫10mm", 59, 159, "colour"),
        ("速干运动T恤", 69, 159, "size"),
        ("户外防水冲锋衣", 399, 1299, "size"),
        ("可调节哑铃20kg", 199, 499, "none"),
        ("双人三季帐篷", 299, 899, "colour"),
        ("碳纤维登山杖2支装", 99, 259, "none"),
    ],
}

# root category → a free gift (赠品) and its declared value
GIFTS: dict[str, tuple[str, int]] = {
    "apparel": ("赠品：纯棉运动袜一双", 15),
    "home": ("赠品：真空收纳袋", 19),
    "digital": ("赠品：透明硅胶保护壳", 29),
    "appliances": ("赠品：清洁除垢套装", 39),
    "fresh": ("赠品：冰袋保温箱", 12),
    "food": ("赠品：随手分享装", 10),
    "beauty": ("赠品：旅行装小样5ml", 35),
    "books": ("赠品：金属书签", 9),
    "baby": ("赠品：婴儿口水巾两条", 19),
    "sports": ("赠品：运动速干毛巾", 25),
}

# carrier, tracking prefix, number of digits after it
CARRIERS: dict[str, tuple[str, str, int]] = {
    "sf": ("顺丰速运", "SF", 13),
    "zto": ("中通快递", "7", 13),
    "yto": ("圆通速递", "YT", 13),
    "yunda": ("韵达快递", "43", 11),
    "jd": ("京东物流", "JDV", 12),
    "sto": ("申通快递", "77", 11),
    "ems": ("邮政EMS", "11", 11),
    "digital": ("电子发货", "EC", 12),
}
CARRIER_BY_ROOT = {"fresh": "sf", "appliances": "jd", "digital": "sf", "virtual": "digital"}
COMMON_CARRIERS = ["zto", "yto", "yunda", "sto", "ems", "sf"]

# province, city, districts (a municipality repeats its name as the city)
PLACES: list[tuple[str, str, list[str]]] = [
    ("北京市", "北京市", ["朝阳区", "海淀区", "丰台区", "西城区"]),
    ("上海市", "上海市", ["浦东新区", "徐汇区", "闵行区", "静安区"]),
    ("天津市", "天津市", ["和平区", "南开区", "河西区"]),
    ("重庆市", "重庆市", ["渝中区", "江北区", "南岸区"]),
    ("广东省", "广州市", ["天河区", "越秀区", "番禺区"]),
    ("广东省", "深圳市", ["南山区", "福田区", "龙岗区"]),
    ("浙江省", "杭州市", ["西湖区", "余杭区", "滨江区"]),
    ("江苏省", "南京市", ["鼓楼区", "江宁区", "玄武区"]),
    ("江苏省", "苏州市", ["姑苏区", "吴中区", "相城区"]),
    ("四川省", "成都市", ["武侯区", "锦江区", "青羊区"]),
    ("湖北省", "武汉市", ["洪山区", "江汉区", "武昌区"]),
    ("陕西省", "西安市", ["雁塔区", "碑林区", "未央区"]),
    ("山东省", "青岛市", ["市南区", "崂山区", "黄岛区"]),
    ("福建省", "厦门市", ["思明区", "湖里区", "集美区"]),
    ("湖南省", "长沙市", ["岳麓区", "天心区", "雨花区"]),
    ("河南省", "郑州市", ["金水区", "二七区", "中原区"]),
    ("辽宁省", "沈阳市", ["和平区", "浑南区", "皇姑区"]),
    ("安徽省", "合肥市", ["蜀山区", "包河区", "庐阳区"]),
    ("云南省", "昆明市", ["五华区", "盘龙区", "官渡区"]),
]
ROADS = [
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "长江路",
    "和平路",
    "文化路",
    "新华路",
    "学府路",
    "科技路",
    "滨江大道",
    "幸福路",
    "光明街",
    "青年路",
    "花园路",
]
ESTATES = [
    "阳光花园",
    "锦绣华庭",
    "金色家园",
    "翠湖苑",
    "东方明珠小区",
    "万科城",
    "碧桂园",
    "绿地新都会",
    "保利中央公馆",
    "龙湖春江郦城",
    "世纪新城",
    "书香名苑",
]
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + [f"18{d}" for d in range(10)]
)
