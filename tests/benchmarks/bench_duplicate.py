#!/usr/bin/env python3
"""Benchmark of the duplicate check on customers (crm_core_ext, 查重).

    python3 tests/benchmarks/bench_duplicate.py -d h4_bench [--customers 500000] \\
        [--import-rows 10000] [--probes 20] [--regenerate]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench duplicate -d h4_bench --customers 500000

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet, or reuses it
   (system parameter ``crm_core_ext.bench_duplicate_dataset``): ``--customers``
   companies created by ``generate_dataset`` (bulk SQL, no invoices), then given
   in bulk (COPY + one UPDATE) realistic Chinese names (city + 2-3 character
   brand + trade + legal form, 3 % in latin letters), mobile and office phones,
   e-mail addresses, valid unified social credit codes for 60 % of them, and the
   normalised keys the module stores (name key and pinyin computed by the
   module's own functions);
2. checks ``--probes`` new customers one at a time with
   ``_crm_duplicate_candidates`` (half of them near-duplicates of an existing
   customer: same name with spaces and another legal form, same mobile or
   e-mail, half of them new): server time per check (median, 90th percentile,
   max; target <= 50 ms), then prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the
   check's queries and fails when a plan reads ``res_partner`` sequentially;
3. creates ``--probes`` customers one at a time through the ORM with the
   feature and without it (the module's duplicate overrides and key computes
   switched off in this process), and reports the time per create;
4. imports ``--import-rows`` rows (10 % near-duplicates, 30 % with a credit
   code) through ``res.partner.load`` (what Import records does) as the
   administrator, once without the feature and once with it, and prints both
   times, their queries and the ratio (target <= 3).
Everything but the dataset is rolled back at the end.
"""

import contextlib
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import generate  # noqa: E402

PARAM = "crm_core_ext.bench_duplicate_dataset"
TARGET_CHECK_MS = 50
TARGET_IMPORT_RATIO = 3

CITIES = (
    "北京 上海 广州 深圳 深圳市 杭州 南京 成都 重庆 武汉 西安 天津 苏州 郑州 长沙 青岛 宁波 无锡 济南 厦门 合肥 福州 "
    "昆明 沈阳 大连 哈尔滨 长春 石家庄 太原 南昌 南宁 贵阳 兰州 乌鲁木齐 呼和浩特 佛山 东莞 温州 绍兴 嘉兴 珠海 中山 "
    "烟台 潍坊 徐州 常州 南通 扬州 泉州 洛阳"
).split()
BRAND_CHARS = (
    "华为拓云帆海岸申达蜀南恒泰盛鑫源宏新锐博远中天金鼎瑞丰长城东方明珠国安康永信佳美联创汇通聚德嘉禾成世纪星辰光"
    "利民正大伟业兴旺隆昌富荣祥和顺发宝丽雅晶科技腾飞宇航万家乐众合力鸿运吉庆福寿喜临春秋冬夏百花齐放绿洲蓝海红"
    "星白云青山碧水金桥银河铁塔钢城江南北海西湖东岳泰山黄河长江珠江嵩山华夏神州九州四海五洲八方千里万象更新景辉"
    "煌耀阳朝晖晨曦瑞雪祥云紫气彩虹凌霄翔龙凤麒麟虎豹狮鹰鹏雁鹤松柏竹梅兰菊桂樟楠杉枫桐杨柳槐桃李杏梨橙柚橘"
)
TRADES = (
    "机械 电子 医药 物流 建材 化工 食品 服装 家具 汽车配件 五金 塑料 印刷 包装 纺织 环保 能源 新材料 生物 软件 信息 "
    "网络 通信 仪器 设备 电气 照明 钢铁 有色金属 农业 餐饮 酒店 文化传媒 广告 教育 咨询 贸易 科技 实业 商贸"
).split()
FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "厂", ""]
AREA_CODES = ["10", "21", "20", "755", "571", "25", "28", "23", "27", "29", "22", "512"]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def get_parser():
    parser = bench_parser("Duplicate check: one customer among many, and a batch import with and without it")
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=20, help="customers checked and created one at a time")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    return parser


def module_functions():
    from odoo.addons.crm_core_ext.models import res_partner_duplicate  # noqa: PLC0415

    return res_partner_duplicate


def credit_code(prefix8, serial):
    """A valid unified social credit code: 8 given characters, 9 from ``serial``, check character."""
    body = ""
    for _position in range(9):
        serial, digit = divmod(serial, 31)
        body = CODE_CHARS[digit] + body
    code17 = prefix8 + body
    return code17 + module_functions().crm_credit_code_check_char(code17)


class NameMaker:
    def __init__(self, rng):
        self.rng = rng

    def parts(self):
        rng = self.rng
        brand = "".join(rng.choice(BRAND_CHARS) for _i in range(rng.choice((2, 2, 2, 3))))
        return rng.choice(CITIES), brand, rng.choice(TRADES), rng.choice(FORMS)

    def name(self, parts=None):
        city, brand, trade, form = parts or self.parts()
        if self.rng.random() < 0.03:
            from pypinyin import lazy_pinyin  # noqa: PLC0415

            return f"{''.join(lazy_pinyin(city)).title()} {''.join(lazy_pinyin(brand)).title()} Trading Co., Ltd."
        return city + brand + trade + form


def mobile(rng):
    return f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def landline(rng):
    area = rng.choice(AREA_CODES)
    digits = 8 if len(area) == 2 else 7 + rng.randrange(2)
    return f"+86{area}{rng.randrange(2 * 10 ** (digits - 1), 10**digits)}"


def display_phone(e164):
    """How people type it: national form with spaces or dashes."""
    national = "0" + e164[3:] if not e164.startswith("+861") or len(e164) != 14 else e164[3:]
    return f"{national[:3]} {national[3:7]} {national[7:]}"


def fill_customers(env, info, seed):
    """Give the generated companies names, phones, e-mails, credit codes and keys (COPY + UPDATE)."""
    functions = module_functions()
    first, last = info["partner_ids"]
    rng = random.Random(seed)
    names = NameMaker(rng)
    buffer = io.StringIO()
    start = time.perf_counter()
    for partner_id in range(first, last + 1):
        name = names.name()
        key = functions.crm_name_key(name)
        phone = landline(rng) if rng.random() < 0.6 else ""
        mob = mobile(rng) if rng.random() < 0.7 else ""
        email = f"contact{partner_id}@{rng.choice(('qq.com', '163.com', 'example.cn', 'sina.com'))}"
        email = email if rng.random() < 0.8 else ""
        code = (
            credit_code("91" + rng.choice(("110108", "310115", "440300", "330106")), partner_id)
            if rng.random() < 0.6
            else ""
        )
        row = [
            partner_id,
            name,
            display_phone(phone) if phone else "",
            display_phone(mob) if mob else "",
            phone,
            mob,
            email,
            code,
            key,
            functions.crm_name_pinyin(key),
        ]
        buffer.write("\t".join(str(value) for value in row) + "\n")
        if (partner_id - first) % 100_000 == 99_999:
            print(f"  {partner_id - first + 1} customers prepared, {time.perf_counter() - start:.0f} s", flush=True)
    buffer.seek(0)
    cr = env.cr
    cr.execute(
        """
        CREATE TEMP TABLE bench_dup (id int, name varchar, phone varchar, mobile varchar, phone_n varchar,
                                     mobile_n varchar, email varchar, code varchar, name_key varchar, pinyin varchar)
        ON COMMIT DROP
        """
    )
    cr._obj.copy_expert("COPY bench_dup FROM STDIN WITH (FORMAT text, NULL '')", buffer)
    cr.execute(
        """
        UPDATE res_partner p
           SET name = d.name, complete_name = d.name, phone = d.phone, mobile = d.mobile,
               crm_phone_normalized = d.phone_n, crm_mobile_normalized = d.mobile_n,
               email = d.email, email_normalized = d.email, crm_email_normalized = d.email,
               crm_credit_code = d.code, crm_name_key = d.name_key, crm_name_pinyin = d.pinyin
          FROM bench_dup d
         WHERE p.id = d.id
        """
    )
    print(f"  {cr.rowcount} customers filled in {time.perf_counter() - start:.0f} s", flush=True)
    cr.execute("ANALYZE res_partner")
    return info


def dataset(args):
    wanted = {"customers": args.customers, "seed": args.seed}

    def build(env):
        info = generate(env, args.customers, 0, 1, refund_ratio=0, paid_ratio=0, orders_per_customer=0, products=1)
        return fill_customers(env, info, args.seed)

    return ensure_dataset(args, PARAM, wanted, build)


@contextlib.contextmanager
def feature_off(env):
    """Switch the module's duplicate overrides and key computes off in this process."""
    from odoo import api  # noqa: PLC0415

    Duplicate = module_functions().ResPartner

    @api.model_create_multi
    def create(self, vals_list):
        return super(Duplicate, self).create(vals_list)

    def write(self, vals):
        return super(Duplicate, self).write(vals)

    def no_phone(self):
        self.crm_phone_normalized = self.crm_mobile_normalized = False

    def no_email(self):
        self.crm_email_normalized = False

    def no_name(self):
        self.crm_name_key = self.crm_name_pinyin = False

    patches = {
        "create": create,
        "write": write,
        "_compute_crm_phone_normalized": no_phone,
        "_compute_crm_email_normalized": no_email,
        "_compute_crm_name_key": no_name,
    }
    saved = {name: Duplicate.__dict__[name] for name in patches}
    for name, function in patches.items():
        setattr(Duplicate, name, function)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(Duplicate, name, function)


def near_duplicate(env, rng, partner_id):
    """Values of a new customer that duplicates an existing one in a realistic way."""
    partner = env["res.partner"].browse(partner_id)
    kind = rng.choice(("name", "mobile", "email", "name"))
    name = partner.name
    if kind == "name":
        key = module_functions().crm_name_key(name)
        cut = rng.randrange(2, max(3, len(key)))
        name = f"{key[:cut]} {key[cut:]}{rng.choice(('科技', '有限公司', '股份有限公司', ''))}"
    vals = {"name": name, "is_company": True}
    if kind == "mobile" and partner.mobile:
        vals["mobile"] = partner.mobile.replace(" ", "-")
    if kind == "email" and partner.email:
        vals["email"] = partner.email.upper()
    return vals


def fresh(rng, names, index):
    vals = {"name": names.name(), "is_company": True, "mobile": display_phone(mobile(rng))}
    if rng.random() < 0.5:
        vals["email"] = f"new{index}@example.com"
    return vals


def time_checks(env, probes, cold):
    """Server time of one check per probe: (summary, 90th percentile in ms)."""
    Partner = env["res.partner"]
    timings = []
    for vals in probes:
        if cold:
            env.invalidate_all()
        start = time.perf_counter()
        Partner._crm_duplicate_candidates([vals])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p90 = timings[max(0, round(len(timings) * 0.9) - 1)]
    summary = f"median {statistics.median(timings):.1f} ms, 90th percentile {p90:.1f} ms, max {timings[-1]:.1f} ms"
    return summary, p90


def database_time(env, vals, company):
    """Sum of the execution times PostgreSQL reports for the check's queries."""
    Partner = env["res.partner"]
    keys = [Partner._crm_duplicate_keys(vals, company)]
    env.cr.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [company.crm_duplicate_name_threshold])
    total = 0.0
    for _reason, query in Partner._crm_duplicate_queries(keys, company):
        env.cr.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query.code}", query.params)
        total += env.cr.fetchone()[0][0]["Execution Time"]
    return total


def explain(env, vals, company):
    Partner = env["res.partner"]
    keys = [Partner._crm_duplicate_keys(vals, company)]
    env.cr.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [company.crm_duplicate_name_threshold])
    seq_scans = []
    for reason, query in Partner._crm_duplicate_queries(keys, company):
        env.cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query.code}", query.params)
        plan = "\n".join(row[0] for row in env.cr.fetchall())
        print(f"--- EXPLAIN {reason}:\n{plan}")
        if "Seq Scan on res_partner" in plan:
            seq_scans.append(reason)
    return seq_scans


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    rng = random.Random(args.seed + 1)
    names = NameMaker(rng)
    with open_env(args, commit=False) as env:
        company = env["res.company"].browse(info["company_id"])
        company.country_id = env.ref("base.cn")
        admin = env.ref("base.user_admin")
        env = env(user=admin, context=dict(env.context, allowed_company_ids=company.ids))
        Partner = env["res.partner"]
        first, last = info["partner_ids"]
        env.cr.execute("SELECT COUNT(*) FROM res_partner WHERE active")
        total_partners = env.cr.fetchone()[0]
        print(f"customers in the database: {total_partners}")

        # 1. one check at a time
        probes = []
        for index in range(args.probes):
            if index % 2:
                probes.append(fresh(rng, names, index))
            else:
                probes.append(near_duplicate(env, rng, rng.randint(first, last)))
        Partner._crm_duplicate_candidates(probes[:2])  # warm up the registry caches
        print(f"load average of the machine (1, 5, 15 min): {os.getloadavg()}")
        warm, p90 = time_checks(env, probes, cold=False)
        cold, _p90_cold = time_checks(env, probes, cold=True)
        database = sorted(database_time(env, vals, company) for vals in probes)
        found = sum(bool(result) for result in Partner._crm_duplicate_candidates(probes))
        print(f"check of one new customer among {total_partners} ({found} of {len(probes)} with candidates):")
        print(f"  server time, Odoo caches warm (as within a request): {warm}")
        print(f"  server time, every record re-read from the database: {cold}")
        print(
            f"  PostgreSQL execution time of the check's queries (EXPLAIN ANALYZE): median "
            f"{statistics.median(database):.1f} ms, max {database[-1]:.1f} ms"
        )
        print(f"example: {probes[0]} -> {Partner._crm_duplicate_candidates([probes[0]])[0]}")
        seq_scans = explain(
            env,
            {
                **probes[0],
                "crm_credit_code": credit_code("91110108", 7),
                "email": "a@b.cn",
                "mobile": "139 1234 5678",
                "phone": "010-6255 1234",
            },
            company,
        )

        # 2. one create at a time, with and without the feature
        def create_each(label, vals_list):
            with env.cr.savepoint(flush=False) as savepoint:
                with measure(env.cr, label) as result:
                    for vals in vals_list:
                        Partner.create(dict(vals))
                        env.flush_all()
                savepoint.rollback()
            env.invalidate_all()
            return result

        create_vals = [fresh(rng, names, 1000 + index) for index in range(args.probes)]
        with feature_off(env):
            create_each("warm-up", create_vals[:3])
            create_off = create_each("create without the check", create_vals)
        create_each("warm-up", create_vals[:3])
        create_on = create_each("create with the check", create_vals)
        for result in (create_off, create_on):
            print(
                f"{result.label}: {result.seconds / args.probes * 1000:.1f} ms, "
                f"{result.queries / args.probes:.1f} queries per customer"
            )

        # 3. batch import
        fields = ["name", "is_company", "phone", "mobile", "email", "crm_credit_code"]
        rows = []
        for index in range(args.import_rows):
            if index % 10 == 0:
                vals = near_duplicate(env, rng, rng.randint(first, last))
            else:
                vals = fresh(rng, names, 100_000 + index)
            if rng.random() < 0.3:
                vals["crm_credit_code"] = credit_code("91510100", 10**6 + index)
            if rng.random() < 0.3:
                vals["phone"] = display_phone(landline(rng))
            rows.append([str(vals.get(fname, "")) if fname != "is_company" else "1" for fname in fields])

        def load(label, rows):
            env.invalidate_all()
            with env.cr.savepoint(flush=False) as savepoint:
                with measure(env.cr, label) as result:
                    loaded = Partner.with_context(import_file=True).load(fields, rows)
                errors = [message for message in loaded["messages"] if message["type"] == "error"]
                assert not errors, errors[:3]
                env.cr.execute("SELECT COUNT(*) FROM crm_partner_duplicate")
                pairs = env.cr.fetchone()[0]
                savepoint.rollback()
            env.invalidate_all()
            return result, pairs

        with feature_off(env):
            load("warm-up", rows[:200])
            (import_off, _pairs) = load("import without the check", rows)
        load("warm-up", rows[:200])
        (import_on, pairs) = load("import with the check", rows)
        for result in (import_off, import_on):
            print(f"{result} ({result.seconds / len(rows) * 1000:.2f} ms per row)")
        ratio = import_on.seconds / import_off.seconds
        print(f"possible duplicates recorded by the import: {pairs}")
        print(f"import ratio with/without: {ratio:.2f} (target <= {TARGET_IMPORT_RATIO})")

    ok = p90 <= TARGET_CHECK_MS and ratio <= TARGET_IMPORT_RATIO and not seq_scans
    if seq_scans:
        print(f"sequential scan of res_partner in: {', '.join(seq_scans)}")
    print(f"single check: 90th percentile {p90:.1f} ms (target <= {TARGET_CHECK_MS} ms)")
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
