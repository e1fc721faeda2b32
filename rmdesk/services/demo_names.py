"""Names, places and words the demo bank is made of, in Chinese and in English."""

from __future__ import annotations

# The 62 most common Chinese surnames with their rough shares (percent).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖"
)
SURNAME_WEIGHTS = [
    7.1, 7.0, 6.7, 5.4, 4.5, 3.1, 2.2, 2.0, 2.0, 1.7, 1.3, 1.2, 1.2, 1.1, 1.1, 1.0, 1.0, 0.9,
    0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.5,
    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3, 0.3, 0.3,
    0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
]
SURNAMES_PINYIN = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang",
    "Xu", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Yuan", "Pan",
    "Yu", "Jiang", "Cai", "Yu", "Du", "Ye", "Cheng", "Su", "Wei", "Lü", "Ding", "Ren", "Shen",
    "Yao", "Lu", "Jiang", "Cui", "Zhong", "Tan", "Lu", "Wang", "Fan", "Jin", "Shi", "Liao",
]
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国峰志文博晨浩然子轩宇航"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英红燕萍雪琳晶婷慧莹颖洁倩琪瑶佳欣怡悦梦涵雨思彤蕾薇诗妍"
GIVEN_MALE_PINYIN = [
    "Wei", "Qiang", "Lei", "Jun", "Yong", "Jie", "Tao", "Bin", "Chao", "Ming", "Gang", "Ping",
    "Hui", "Peng", "Hua", "Fei", "Xin", "Bo", "Yu", "Hao", "Kai", "Jian", "Jun", "Fan", "Shuai",
    "Xu", "Ning", "Long", "Lin", "Huan", "Yang", "Jian", "Guo", "Feng", "Zhi", "Wen", "Bo",
    "Chen", "Hao", "Ran", "Zi", "Xuan", "Yu", "Hang",
]
GIVEN_FEMALE_PINYIN = [
    "Fang", "Na", "Min", "Jing", "Li", "Yan", "Juan", "Xia", "Xiu", "Ling", "Gui", "Ying", "Hong",
    "Yan", "Ping", "Xue", "Lin", "Jing", "Ting", "Hui", "Ying", "Ying", "Jie", "Qian", "Qi",
    "Yao", "Jia", "Xin", "Yi", "Yue", "Meng", "Han", "Yu", "Si", "Tong", "Lei", "Wei", "Shi",
    "Yan",
]
COMPANY_WORDS = "华兴恒泰鑫达盛通宏远新源金利永安嘉和瑞丰博信中天凯旋德胜"
COMPANY_WORDS_EN = [
    "Huaxing", "Hengtai", "Xinda", "Shengtong", "Hongyuan", "Xinyuan", "Jinli", "Yongan",
    "Jiahe", "Ruifeng", "Boxin", "Zhongtian", "Kaixuan", "Desheng",
]
INDUSTRIES = [
    ("科技", "Technology"), ("贸易", "Trading"), ("制造", "Manufacturing"), ("餐饮", "Catering"),
    ("物流", "Logistics"), ("建材", "Building Materials"), ("医药", "Pharmaceutical"),
    ("文化传媒", "Media"), ("电子", "Electronics"), ("农业", "Agriculture"),
]

# (code, 中文名, English, region code for ID numbers, [(district zh, district en)])
BRANCHES = [
    ("BJ-CY", "朝阳支行", "Chaoyang Sub-branch", "110105", [
        ("望京", "Wangjing"), ("三里屯", "Sanlitun"), ("国贸", "Guomao"), ("亚运村", "Yayuncun"),
        ("酒仙桥", "Jiuxianqiao"), ("双井", "Shuangjing")]),
    ("BJ-HD", "海淀支行", "Haidian Sub-branch", "110108", [
        ("中关村", "Zhongguancun"), ("五道口", "Wudaokou"), ("万柳", "Wanliu"),
        ("学院路", "Xueyuanlu"), ("上地", "Shangdi"), ("公主坟", "Gongzhufen")]),
    ("BJ-XC", "西城支行", "Xicheng Sub-branch", "110102", [
        ("金融街", "Financial Street"), ("西单", "Xidan"), ("德胜门", "Deshengmen"),
        ("月坛", "Yuetan"), ("广安门", "Guang'anmen"), ("什刹海", "Shichahai")]),
    ("BJ-DC", "东城支行", "Dongcheng Sub-branch", "110101", [
        ("王府井", "Wangfujing"), ("东直门", "Dongzhimen"), ("崇文门", "Chongwenmen"),
        ("和平里", "Hepingli"), ("天坛", "Tiantan"), ("交道口", "Jiaodaokou")]),
    ("BJ-FT", "丰台支行", "Fengtai Sub-branch", "110106", [
        ("方庄", "Fangzhuang"), ("丽泽", "Lize"), ("卢沟桥", "Lugouqiao"), ("马家堡", "Majiapu"),
        ("右安门", "You'anmen"), ("花乡", "Huaxiang")]),
]
CITY = ("北京市", "Beijing")

CONTACT_PURPOSES = [
    ("例行回访", "Regular check-in"), ("理财产品推介", "Wealth product pitch"),
    ("贷款需求沟通", "Loan needs discussion"), ("到期续作提醒", "Maturity reminder"),
    ("资料更新（KYC）", "KYC update"), ("投诉处理", "Complaint follow-up"),
    ("节日问候", "Holiday greetings"), ("信用卡激活", "Card activation"),
]
CONTACT_OUTCOMES = [
    ("客户满意，保持联系", "Satisfied, keep in touch"), ("有意向，待跟进", "Interested, follow up"),
    ("暂无需求", "No need for now"), ("已办理", "Signed up"), ("未接通", "Not reached"),
]
NEXT_STEPS = [
    ("两周后电话跟进", "Call again in two weeks"), ("发送产品说明书", "Send the product sheet"),
    ("预约面谈", "Book a meeting"), ("", ""),
]
COURSES = [
    ("合规与反洗钱", "Compliance and AML"), ("财富管理基础", "Wealth management basics"),
    ("信贷风险识别", "Spotting credit risk"), ("客户关系管理", "Client relationship management"),
    ("保险产品知识", "Insurance products"), ("沟通与谈判技巧", "Communication and negotiation"),
]
