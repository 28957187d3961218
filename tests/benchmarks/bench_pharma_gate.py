#!/usr/bin/env python3
"""Benchmark of the GSP licence and scope gate (crm_industry_pharma) on sale order
confirmation and on delivery validation.

    python3 tests/benchmarks/bench_pharma_gate.py -d bench_pharma [--customers 50] \\
        [--licences 10] [--orders 200] [--order-lines 20] [--products 60]

Not part of the test suite. In one transaction that is rolled back at the end it
1. creates ``--products`` approved drugs spread over the business scopes 处方药,
   非处方药, 中药饮片 and 生物制品, and ``--customers`` approved pharmacies with
   ``--licences`` licences each: a valid 药品经营许可证 covering every scope, a
   valid GSP证书, and older expired ones of both types (the gate must pick the
   newest valid licence of each type among them);
2. creates 2 x ``--orders`` draft orders of ``--order-lines`` lines for those
   customers (credit control and the dealer gate off, so that only this gate differs);
3. confirms them one by one through the ORM (``action_confirm``), alternating an
   order with the company's GSP checks off (Odoo's behaviour) and one with them on
   (every line licensed, so that the whole check runs and the order confirms);
4. validates their deliveries the same way (``button_validate``, alternating off/on);
5. prints, for confirmation and for delivery validation, the time and SQL queries of
   both arms, per document, their ratio and the queries the gate adds; then the
   gate's own queries for ``--order-lines`` lines of a customer with ``--licences``
   licences and for 1 line of a customer with the 2 required ones, to show they
   do not grow.
The database is created (crm_industry_pharma, no demo data) when missing.
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import alternate_arms, bench_parser, measure, open_env  # noqa: E402

TARGET_RATIO = 1.10
SCOPES = ("scope_rx", "scope_otc", "scope_tcm", "scope_biological")


def get_parser():
    parser = bench_parser("GSP gate: order confirmation and delivery validation with the gate on and off")
    parser.description = __doc__
    parser.set_defaults(modules="crm_industry_pharma")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--licences", type=int, default=10, help="licences per customer (at least 2)")
    parser.add_argument("--orders", type=int, default=200, help="orders confirmed with the gate on, and as many off")
    parser.add_argument("--order-lines", type=int, default=20)
    parser.add_argument("--products", type=int, default=60)
    return parser


def build_master_data(env, args, company):
    """Licence requirements of the company, approved drugs and licensed customers."""
    ref = env.ref
    types = ref("crm_industry_pharma.licence_type_drug_business") | ref("crm_industry_pharma.licence_type_gsp")
    scopes = env["crm.pharma.scope"].browse([ref(f"crm_industry_pharma.{xmlid}").id for xmlid in SCOPES])
    company.write(
        {
            "crm_pharma_gsp": False,
            "crm_pharma_customer_licence_type_ids": [(6, 0, types.ids)],
            "account_use_credit_limit": False,
        }
    )
    if "crm_channel_gate" in company._fields:
        company.crm_channel_gate = False
    products = env["product.product"].create(
        [
            {
                "name": f"Bench 药品 {i + 1:03d}",
                "type": "consu",
                "list_price": 10.0 + i,
                "invoice_policy": "order",
                "taxes_id": [(5, 0, 0)],
                "crm_pharma_scope_id": scopes[i % len(scopes)].id,
                "crm_pharma_approval_number": f"国药准字H2026{i:04d}",
            }
            for i in range(args.products)
        ]
    )
    products.product_tmpl_id.write({"crm_pharma_approved": True})
    customers = env["res.partner"].create(
        [
            {"name": f"Bench 大药房 {i + 1:03d}", "is_company": True, "customer_rank": 1}
            for i in range(args.customers + 1)
        ]
    )
    customers.write({"crm_pharma_approved": True})
    today = date.today()
    dbl, gsp = types
    licences = []
    for n, customer in enumerate(customers):
        # the last customer has the 2 required licences only
        count = 2 if n == len(customers) - 1 else max(args.licences, 2)
        for k in range(count):
            current = k < 2
            years = 0 if current else (k - 1) * 3
            licences.append(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "type_id": (dbl if k % 2 == 0 else gsp).id,
                    "name": f"B{n:03d}-{k:02d}",
                    "date_start": today - timedelta(days=365 * (years + 1)),
                    "date_end": today + timedelta(days=365 * 4) if current else today - timedelta(days=365 * years),
                    "scope_ids": [(6, 0, scopes.ids if k % 2 == 0 else [])],
                }
            )
    env["crm.pharma.licence"].create(licences)
    return products, customers[:-1], customers[-1]


def create_orders(env, customers, count, lines, products, company, offset=0):
    return (
        env["sale.order"]
        .with_company(company)
        .create(
            [
                {
                    "partner_id": customers[(offset + n) % len(customers)].id,
                    "company_id": company.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[((offset + n) * lines + i) % len(products)].id,
                                "product_uom_qty": 1 + i % 5,
                                "tax_id": [(5, 0, 0)],
                            },
                        )
                        for i in range(lines)
                    ],
                }
                for n in range(count)
            ]
        )
    )


def gate_queries(env, records, check):
    """Queries of ``check(records)`` with Odoo's caches warm and the records' cache empty."""
    for __ in range(2):
        env.invalidate_all()
        check(records)
    env.flush_all()
    env.invalidate_all()
    queries0 = env.cr.sql_log_count
    check(records)
    return env.cr.sql_log_count - queries0


def report(label, arms, unit):
    counted = arms["counted"]
    time_off, time_on = arms["time_off"], arms["time_on"]
    queries_off, queries_on = arms["queries_off"], arms["queries_on"]
    ratio = time_on / time_off if time_off else float("nan")
    print(f"{label} ({counted} per arm, after {arms['warm']} warm-up ones):")
    print(
        f"  gate off: {time_off:.2f} s, {queries_off} queries "
        f"({time_off / counted * 1000:.1f} ms, {queries_off / counted:.1f} queries per {unit})"
    )
    print(
        f"  gate on:  {time_on:.2f} s, {queries_on} queries "
        f"({time_on / counted * 1000:.1f} ms, {queries_on / counted:.1f} queries per {unit})"
    )
    print(f"  ratio on/off: {ratio:.3f} (target <= {TARGET_RATIO}); run took {arms['total']:.1f} s")
    print(f"  queries the gate adds per {unit}: {(queries_on - queries_off) / counted:.1f}")
    return ratio


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=False) as env:
        if not env["ir.module.module"].search_count(
            [("name", "=", "crm_industry_pharma"), ("state", "=", "installed")]
        ):
            sys.exit(f"crm_industry_pharma is not installed in {args.database}: install it or use a new database")
        company = env.ref("base.main_company")
        env = env(context=dict(env.context, allowed_company_ids=company.ids, tracking_disable=True))
        company = company.with_env(env)
        start = time.perf_counter()
        products, customers, minimal = build_master_data(env, args, company)
        orders_off = create_orders(env, customers, args.orders, args.order_lines, products, company)
        orders_on = create_orders(env, customers, args.orders, args.order_lines, products, company)
        env.flush_all()
        env.cr.execute(
            "ANALYZE crm_pharma_licence; ANALYZE crm_pharma_licence_scope_rel; ANALYZE sale_order; "
            "ANALYZE sale_order_line; ANALYZE res_partner; ANALYZE product_template"
        )
        print(
            f"# data built in {time.perf_counter() - start:.1f} s: {len(customers)} customers with "
            f"{args.licences} licences each, {len(products)} drugs, {2 * args.orders} orders of "
            f"{args.order_lines} lines",
            flush=True,
        )

        def confirm(order, gate):
            company.crm_pharma_gsp = gate
            env.flush_all()
            with measure(env.cr) as result:
                order.action_confirm()
            return result

        confirmations = alternate_arms(orders_off, orders_on, confirm)
        assert set(orders_on.mapped("state")) == {"sale"}, "every order of the gate-on arm confirms"

        pickings_off, pickings_on = orders_off.picking_ids, orders_on.picking_ids
        assert len(pickings_off) == len(pickings_on) == args.orders, "one delivery per order"
        moves = (pickings_off | pickings_on).move_ids
        for move in moves.filtered(lambda m: m.quantity != m.product_uom_qty):
            move.quantity = move.product_uom_qty
        moves.write({"picked": True})
        env.flush_all()
        env.cr.execute("ANALYZE stock_move; ANALYZE stock_move_line; ANALYZE stock_picking")

        def validate(picking, gate):
            company.crm_pharma_gsp = gate
            env.flush_all()
            with measure(env.cr) as result:
                picking.button_validate()
            return result

        deliveries = alternate_arms(pickings_off, pickings_on, validate)
        assert set(pickings_on.mapped("state")) == {"done"}, "every delivery of the gate-on arm is validated"

        # the gate's own queries: many lines and licences, or one line and the 2 required licences
        company.crm_pharma_gsp = True
        big = create_orders(env, customers, 1, args.order_lines, products, company)
        small = create_orders(env, minimal, 1, 1, products, company)
        confirm_queries = {
            label: gate_queries(env, order, lambda order: order._crm_pharma_check())
            for label, order in (("many", big), ("few", small))
        }
        (big | small).action_confirm()
        (big | small).picking_ids.move_ids.write({"picked": True})
        delivery_queries = {
            label: gate_queries(env, order.picking_ids.move_ids, lambda moves: moves._crm_pharma_check_delivery())
            for label, order in (("many", big), ("few", small))
        }

    print(
        f"orders of {args.order_lines} lines for {len(customers)} customers with {args.licences} licences each "
        f"(2 of them required and valid), {len(products)} drugs in {len(SCOPES)} business scopes"
    )
    ratios = [report("confirmation (action_confirm)", confirmations, "order")]
    ratios.append(report("delivery validation (button_validate)", deliveries, "delivery"))
    print(
        f"gate check alone on confirmation: {confirm_queries['many']} queries for {args.order_lines} lines of a "
        f"customer with {args.licences} licences, {confirm_queries['few']} for 1 line of one with 2"
    )
    print(
        f"gate check alone on delivery: {delivery_queries['many']} queries for {args.order_lines} moves of a "
        f"customer with {args.licences} licences, {delivery_queries['few']} for 1 move of one with 2"
    )
    ok = (
        all(ratio <= TARGET_RATIO for ratio in ratios)
        and len(set(confirm_queries.values())) == 1
        and len(set(delivery_queries.values())) == 1
    )
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
