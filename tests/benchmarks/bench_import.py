#!/usr/bin/env python3
"""Benchmark of the customer import wizard (crm_core_ext, 数据转换).

    python3 tests/benchmarks/bench_import.py -d h5_bench [--rows 10000] [--existing 5000] [--regenerate]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench import -d h5_bench

Not part of the test suite. It
1. makes sure the database holds ``--existing`` customers with mobile numbers
   and credit codes (created once through the ORM and recorded in the system
   parameter ``crm_core_ext.bench_import_dataset``), so that the duplicate
   check has something to search;
2. writes an .xlsx workbook of ``--rows`` rows in the template's shape: about
   2.5 contacts per customer, each with a mobile, an office phone and an
   e-mail, 60 % of the customers with a valid credit code, a province, a tag
   and a source, and 5 % of the customers near-duplicates of existing ones
   (same mobile as an existing customer);
3. "plain import": creates the same customers and contacts with the values
   already clean, through the ORM in batches of 500 (one create per batch for
   customers, one for contacts), without reading or checking anything;
4. "wizard import": the wizard reads the workbook, checks every row (codes,
   phones, e-mails, dates, provinces, duplicates in the file and in the
   database through ``_crm_duplicate_candidates``), skips the duplicates and
   creates the rest in the same batches;
5. prints both times, their SQL queries and the ratio (target <= 3).
Both imports are rolled back; the existing customers stay.
"""

import base64
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

PARAM = "crm_core_ext.bench_import_dataset"
TARGET_RATIO = 3
PROVINCES = ["浙江省", "北京市", "广东省", "四川省", "上海市", "江苏", "Shandong", "湖北省", "河南省", "福建省"]
TRADES = ["机械", "贸易", "科技", "物流", "医药", "电子", "建材", "食品"]
LEGAL = ["有限公司", "股份有限公司", "有限责任公司"]
BRAND = "华拓云帆海岸申达蜀南恒泰盛鑫源宏新锐博远中天金鼎瑞丰长城东方明珠国安康永信佳美联创汇通聚德嘉禾"


def get_parser():
    parser = bench_parser("Customer import wizard against a plain ORM import of the same rows")
    parser.description = __doc__
    parser.add_argument("--rows", type=int, default=10000, help="rows of the workbook (contacts)")
    parser.add_argument("--existing", type=int, default=5000, help="customers already in the database")
    parser.add_argument("--regenerate", action="store_true", help="create the existing customers again")
    parser.add_argument("--seed", type=int, default=42)
    return parser


def credit_code(index):
    from odoo.addons.crm_core_ext.models.res_partner_duplicate import crm_credit_code_check_char  # noqa: PLC0415

    body = f"9133{index:06d}MA{index:07d}"[:17]
    return body + crm_credit_code_check_char(body)


def unique_names(rng, count, used):
    """``count`` realistic names (brand + trade + legal form), none in ``used``."""
    names = []
    while len(names) < count:
        name = "".join(rng.choice(BRAND) for _index in range(4)) + rng.choice(TRADES) + rng.choice(LEGAL)
        if name not in used:
            used.add(name)
            names.append(name)
    return names


def ensure_existing(args):
    with open_env(args) as env:
        recorded = env["ir.config_parameter"].get_param(PARAM)
        if recorded == str(args.existing) and not args.regenerate:
            print(f"# reusing {args.existing} existing customers", flush=True)
            return
        rng = random.Random(args.seed)
        china = env.ref("base.cn")
        names = unique_names(rng, args.existing, set())
        vals_list = [
            {
                "name": names[index],
                "is_company": True,
                "country_id": china.id,
                "mobile": f"+86139{index:08d}",
                "crm_credit_code": credit_code(500000 + index) if index % 2 else False,
            }
            for index in range(args.existing)
        ]
        for start in range(0, len(vals_list), 1000):
            env["res.partner"].create(vals_list[start : start + 1000])
        env["ir.config_parameter"].set_param(PARAM, str(args.existing))
        print(f"# created {args.existing} existing customers", flush=True)


def build_rows(args):
    """Rows of the workbook and the clean values of the plain import."""
    rng = random.Random(args.seed + 1)
    used = set(unique_names(random.Random(args.seed), args.existing, set()))
    rows, customers = [], []
    index = 0
    while len(rows) < args.rows:
        duplicate = index % 20 == 19 and index < args.existing
        name = unique_names(rng, 1, used)[0]
        code = credit_code(index) if index % 5 < 3 else ""
        province = rng.choice(PROVINCES)
        contacts = []
        for number in range(rng.choice((1, 2, 3, 4))):
            mobile = f"+86139{index % args.existing:08d}" if duplicate and not number else f"137{index:05d}{number:03d}"
            contacts.append((f"联系人{index}-{number}", mobile, f"0571-8{index:06d}{number:01d}"))
        for contact, mobile, phone in contacts:
            rows.append(
                [name, code, rng.choice(["重点客户", "普通客户"]), "", province, "杭州市", "文三路 90 号", contact,
                 "经理", mobile, phone, f"c{index}.{contact[-1]}@bench{index}.example", "1980-05-17", "", "展会", ""]
            )  # fmt: skip
        customers.append((name, code, duplicate, contacts))
        index += 1
    return rows, customers


def workbook(rows):
    from openpyxl import Workbook  # noqa: PLC0415

    from odoo.addons.crm_core_ext.wizard.crm_partner_import import IMPORT_COLUMNS  # noqa: PLC0415

    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户资料")
    sheet.append([column[1] for column in IMPORT_COLUMNS])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def plain_import(env, customers):
    """The same customers and contacts, values already clean, no checks."""
    partner_model = env["res.partner"].with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
    china = env.ref("base.cn")
    todo = [customer for customer in customers if not customer[2]]
    for start in range(0, len(todo), 500):
        batch = todo[start : start + 500]
        created = partner_model.create(
            [
                {"name": name, "is_company": True, "country_id": china.id, "crm_credit_code": code or False}
                for name, code, _duplicate, _contacts in batch
            ]
        )
        partner_model.create(
            [
                {"name": contact, "parent_id": parent.id, "mobile": mobile, "phone": phone}
                for parent, (_name, _code, _dup, contacts) in zip(created, batch, strict=True)
                for contact, mobile, phone in contacts
            ]
        )
    return len(todo)


def main():
    args = get_parser().parse_args()
    ensure_existing(args)
    rows, customers = build_rows(args)
    content = workbook(rows)
    print(f"# workbook: {len(rows)} rows, {len(customers)} customers, {len(content) // 1024} KiB", flush=True)

    with open_env(args, commit=False) as env:
        with measure(env.cr, "plain import (ORM creates, no checks)") as plain:
            created = plain_import(env, customers)
        print(f"{plain}  ({created} customers)", flush=True)

    with open_env(args, commit=False) as env:
        wizard = env["crm.partner.import"].create(
            {"file": base64.b64encode(content), "filename": "bench.xlsx", "duplicate_policy": "skip"}
        )
        with measure(env.cr, "wizard import (read, check, duplicates, create)") as checked:
            wizard.action_import()
        print(
            f"{checked}  ({wizard.customer_count} customers, {wizard.contact_count} contacts, "
            f"{wizard.skipped_count} duplicates skipped, {wizard.error_count} errors)",
            flush=True,
        )

    ratio = checked.seconds / plain.seconds
    print(f"ratio wizard / plain: {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
