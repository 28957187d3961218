#!/usr/bin/env python3
"""Benchmark of the sell-through import wizard (crm_channel_mgmt, 商业流向).

    python3 tests/benchmarks/bench_sellthrough.py -d h_bench_sellthru [--rows 50000] [--products 200]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench sellthrough -d h_bench_sellthru

Not part of the test suite. In one transaction, rolled back at the end, it
1. creates a dealer, ``--products`` products (a tenth tracked by lot, with two
   lots each delivered to the dealer by a done picking; the others with an
   opening stock count as a channel stock adjustment), and raises the import
   row limit (system parameter ``crm_core_ext.import_max_rows``) above
   ``--rows``;
2. writes an .xlsx report of ``--rows`` sales in the template's shape (date,
   product code, lot, quantity, price, terminal customer, province, city);
3. "plain ORM": creates one report and the same lines, values already clean,
   through the ORM in batches of 5,000 (the lines' constraints run), then
   rolls them back;
4. "wizard": the wizard reads the workbook, checks every row (products, lots,
   dates, provinces, the dealer's channel stock, the period) and creates the
   report in the same batches (rolled back after each run, so that no run
   replaces another's report); first with a fifth of the rows, so that the
   queries of one more batch can be told from the fixed ones;
5. prints times, SQL queries, the queries of one batch and the ratio; exits 1
   when the wizard takes more than 60 s or a batch more than 100 queries.
"""

import base64
import datetime
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

TARGET_SECONDS = 60
MAX_QUERIES_PER_BATCH = 100
BATCH_SIZE = 5000  # the wizard's (crm_channel_sellthrough_import.BATCH_SIZE)
PROVINCES = ["上海市", "江苏省", "浙江省", "安徽省", "北京市", "广东省"]
CUSTOMERS = ["第一人民医院", "中心医院", "益丰大药房", "老百姓大药房", "社区卫生服务中心", "中医院"]


def get_parser():
    parser = bench_parser("Sell-through import wizard against plain ORM creation of the same lines")
    parser.description = __doc__
    parser.set_defaults(modules="crm_channel_mgmt")
    parser.add_argument("--rows", type=int, default=50000, help="rows of the report")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    return parser


def setup(env, args):
    from odoo import Command  # noqa: PLC0415

    env["ir.config_parameter"].set_param("crm_core_ext.import_max_rows", str(args.rows + 10))
    company = env.company
    dealer = env["res.partner"].create({"name": "基准经销商", "is_company": True, "crm_channel_is_dealer": True})
    tracked = max(1, args.products // 10)
    products = env["product.product"].create(
        [
            {
                "name": f"基准产品 {index:04d}",
                "default_code": f"BENCH-{index:04d}",
                "type": "consu",
                "is_storable": index < tracked,
                "tracking": "lot" if index < tracked else "none",
            }
            for index in range(args.products)
        ]
    )
    stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    customers = env.ref("stock.stock_location_customers")
    lots = {}
    for product in products[:tracked]:
        for number in range(2):
            lot = env["stock.lot"].create({"name": f"L{product.id}-{number}", "product_id": product.id})
            lots.setdefault(product, []).append(lot)
            env["stock.quant"]._update_available_quantity(product, stock.lot_stock_id, 1e6, lot_id=lot)
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": stock.out_type_id.id,
                    "partner_id": dealer.id,
                    "location_id": stock.lot_stock_id.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": 1e6,
                                "product_uom": product.uom_id.id,
                                "location_id": stock.lot_stock_id.id,
                                "location_dest_id": customers.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.move_ids.move_line_ids.unlink()
            picking.move_ids.write(
                {
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "lot_id": lot.id,
                                "quantity": 1e6,
                                "location_id": stock.lot_stock_id.id,
                                "location_dest_id": customers.id,
                                "picking_id": picking.id,
                            }
                        )
                    ],
                    "picked": True,
                }
            )
            picking._action_done()
    env["crm.channel.stock.adjustment"].create(
        [
            {"partner_id": dealer.id, "product_id": product.id, "quantity": 1e6, "reason": "期初"}
            for product in products[tracked:]
        ]
    )
    return dealer, products, lots


def build_rows(args, products, lots, date_from, count):
    rng = random.Random(args.seed)
    states = {
        state.name: state.id for state in products.env["res.country.state"].search([("country_id.code", "=", "CN")])
    }
    rows, vals = [], []
    for index in range(count):
        product = products[index % len(products)]
        lot = rng.choice(lots[product]) if product in lots else None
        province = rng.choice(PROVINCES)
        day = date_from + datetime.timedelta(days=index % 28)
        quantity = rng.randint(1, 20)
        customer = f"{province}{rng.choice(CUSTOMERS)}{index % 500}"
        rows.append([day.isoformat(), product.default_code, "", lot.name if lot else "", quantity, 12.5, customer,
                     province, province])  # fmt: skip
        vals.append(
            {
                "date": day,
                "product_id": product.id,
                "lot_id": lot.id if lot else False,
                "quantity": quantity,
                "price_unit": 12.5,
                "customer_name": customer,
                "state_id": states.get(province, False),
                "city": province,
            }
        )
    return rows, vals


def workbook(rows):
    from openpyxl import Workbook  # noqa: PLC0415

    from odoo.addons.crm_channel_mgmt.wizard.crm_channel_sellthrough_import import COLUMNS  # noqa: PLC0415

    book = Workbook(write_only=True)
    sheet = book.create_sheet("流向明细")
    sheet.append([column[1] for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def run_wizard(env, dealer, date_from, date_to, content, label):
    wizard = env["crm.channel.sellthrough.import"].create(
        {
            "partner_id": dealer.id,
            "date_from": date_from,
            "date_to": date_to,
            "duplicate_policy": "replace",
            "file": base64.b64encode(content),
            "filename": "bench.xlsx",
        }
    )
    with env.cr.savepoint() as savepoint:
        cpu = time.process_time()
        with measure(env.cr, label) as result:
            wizard.action_import()
        cpu = time.process_time() - cpu
        batches = -(-wizard.row_count // BATCH_SIZE)
        print(
            f"{result}, {cpu:.2f} s of Odoo's CPU  ({wizard.row_count} lines, {wizard.error_count} errors, "
            f"{batches} batches)",
            flush=True,
        )
        savepoint.rollback()  # each run starts from the same database: nothing to replace
    env.invalidate_all()
    return result, batches


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=False) as env:
        start = time.perf_counter()
        dealer, products, lots = setup(env, args)
        date_from = datetime.date(2026, 1, 1)
        date_to = datetime.date(2026, 1, 31)
        rows, vals = build_rows(args, products, lots, date_from, args.rows)
        content = workbook(rows)
        print(
            f"# setup {time.perf_counter() - start:.1f} s; workbook: {len(rows)} rows, {len(products)} products, "
            f"{len(content) // 1024} KiB",
            flush=True,
        )

        with env.cr.savepoint() as savepoint:
            cpu = time.process_time()
            with measure(env.cr, "plain ORM (one report, lines created in batches)") as plain:
                report = env["crm.channel.sellthrough"].create(
                    {"partner_id": dealer.id, "date_from": date_from, "date_to": date_to}
                )
                for index in range(0, len(vals), 5000):
                    env["crm.channel.sellthrough.line"].create(
                        [dict(line, report_id=report.id) for line in vals[index : index + 5000]]
                    )
            cpu = time.process_time() - cpu
            savepoint.rollback()
        print(f"{plain}, {cpu:.2f} s of Odoo's CPU  ({len(vals)} lines)", flush=True)
        env.invalidate_all()

        small, small_batches = run_wizard(
            env, dealer, date_from, date_to, workbook(rows[: max(1, args.rows // 5)]), "wizard, a fifth of the rows"
        )
        env.invalidate_all()
        checked, batches = run_wizard(env, dealer, date_from, date_to, content, "wizard (read, check, create)")
        env.invalidate_all()

    ratio = checked.seconds / plain.seconds
    # queries = fixed + per_batch * batches: the two runs give the cost of one more batch
    per_batch = (checked.queries - small.queries) / max(1, batches - small_batches)
    constant = per_batch <= MAX_QUERIES_PER_BATCH
    print(f"ratio wizard / plain: {ratio:.2f}")
    print(f"wizard: {checked.seconds:.1f} s for {args.rows} rows (target <= {TARGET_SECONDS} s)")
    print(
        f"queries: {small.queries} for {small_batches} batch(es), {checked.queries} for {batches}: "
        f"{per_batch:.1f} per batch of {BATCH_SIZE} lines (target <= {MAX_QUERIES_PER_BATCH}, "
        "whatever the number of lines)"
    )
    return 0 if checked.seconds <= TARGET_SECONDS and constant else 1


if __name__ == "__main__":
    sys.exit(main())
