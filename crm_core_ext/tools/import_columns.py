"""The columns of the customer import template, and how their headers and
values are recognised.

Pure Python (no database, no environment); the wizard documents each column
in the template with translated texts.
"""

import re

from .import_cells import header_key

DATA_SHEET_NAMES = ("客户资料", "customers")
HELP_SHEET_NAME = "说明"
HEADER_SEARCH_ROWS = 10
TEMPLATE_FILENAME = "customer_import_template.xlsx"

# The template's columns: (key, Chinese header, English header, other accepted headers).
# Customer columns describe the company, contact columns the person of the row.
CUSTOMER_COLUMNS = [
    ("name", "客户名称", "Customer Name", ("客户", "公司名称", "单位名称", "企业名称", "Customer")),
    ("credit_code", "统一社会信用代码", "Credit Code", ("信用代码", "社会信用代码", "Unified Social Credit Code")),
    ("customer_type", "客户类型", "Customer Type", ("类型", "客户分类", "Type")),
    ("industry", "所属行业", "Industry", ("行业",)),
    ("province", "省份", "Province", ("省", "省/直辖市", "State")),
    ("city", "城市", "City", ("市",)),
    ("street", "详细地址", "Address", ("地址", "Street")),
    ("salesperson", "负责人", "Salesperson", ("业务员", "销售员", "客户经理", "Sales Person")),
    ("source", "客户来源", "Source", ("来源", "Customer Source")),
]
CONTACT_COLUMNS = [
    ("contact_name", "联系人", "Contact", ("联系人姓名", "姓名", "Contact Name")),
    ("function", "职务", "Job Position", ("职位", "Function")),
    ("mobile", "手机", "Mobile", ("手机号", "手机号码", "移动电话")),
    ("phone", "办公电话", "Office Phone", ("电话", "座机", "固定电话", "Phone")),
    ("email", "电子邮件", "Email", ("邮箱", "电子邮箱", "E-mail")),
    ("birthday", "生日", "Birthday", ("出生日期",)),
    ("note", "备注", "Notes", ("Note", "Remarks")),
]
# In the order of the legacy exports (and of the template).
TEMPLATE_ORDER = (
    "name",
    "credit_code",
    "customer_type",
    "industry",
    "province",
    "city",
    "street",
    "contact_name",
    "function",
    "mobile",
    "phone",
    "email",
    "birthday",
    "salesperson",
    "source",
    "note",
)
IMPORT_COLUMNS = sorted(CUSTOMER_COLUMNS + CONTACT_COLUMNS, key=lambda column: TEMPLATE_ORDER.index(column[0]))
CUSTOMER_KEYS = [column[0] for column in CUSTOMER_COLUMNS]
REQUIRED_COLUMNS = ("name",)

HEADER_KEYS = {}
for _key, _chinese, _english, _aliases in IMPORT_COLUMNS:
    for _label in (_chinese, _english, *_aliases):
        HEADER_KEYS[header_key(_label)] = _key

# Columns whose text is stored as it is (on the customer, on its contacts, as
# the name of a new tag or source): text that starts with a formula character
# (=, +, -, @) is stored with a leading apostrophe. The other columns are
# checked (credit code, phones, e-mail, birthday) or looked up in the database
# (province, industry, salesperson).
FREE_TEXT_COLUMNS = ("name", "customer_type", "city", "street", "source", "contact_name", "function", "note")

# English names of China's provincial divisions, by the code of base's res.country.state.
CN_STATE_ENGLISH = {
    "BJ": ("beijing",),
    "SH": ("shanghai",),
    "TJ": ("tianjin",),
    "CQ": ("chongqing",),
    "ZJ": ("zhejiang",),
    "AH": ("anhui",),
    "FJ": ("fujian",),
    "JX": ("jiangxi",),
    "SD": ("shandong",),
    "HA": ("henan",),
    "HB": ("hubei",),
    "HN": ("hunan",),
    "GD": ("guangdong",),
    "HI": ("hainan",),
    "SC": ("sichuan",),
    "GZ": ("guizhou",),
    "YN": ("yunnan",),
    "HE": ("hebei",),
    "SX": ("shanxi",),
    "SN": ("shaanxi",),
    "LN": ("liaoning",),
    "JL": ("jilin",),
    "HL": ("heilongjiang",),
    "GS": ("gansu",),
    "QH": ("qinghai",),
    "JS": ("jiangsu",),
    "TW": ("taiwan",),
    "NM": ("innermongolia", "neimenggu", "neimongol"),
    "GX": ("guangxi",),
    "XJ": ("xinjiang",),
    "NX": ("ningxia",),
    "XZ": ("tibet", "xizang"),
    "HK": ("hongkong",),
    "MO": ("macau", "macao"),
}
CN_STATE_SUFFIX_RE = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
EN_STATE_SUFFIX_RE = re.compile(r"(province|municipality|autonomousregion|sar|sheng|shi)$")
