#!/usr/bin/env python3
"""Benchmark of the dealer authorisation gate on sale order confirmation (crm_channel_mgmt).

    python3 tests/benchmarks/bench_channel_gate.py -d bench_channel [--dealers 10] \\
        [--authorizations 500] [--orders 100] [--order-lines 20]

Not part of the test suite. In one transaction that is rolled back at the end it
1. creates ``--authorizations`` saleable products (``generate_dataset.ensure_products``),
   a territory tree (华东 > 上海, 江苏) and ``--dealers`` dealers in Shanghai or Jiangsu,
   each with ``--authorizations`` authorisations: one per product, half of them
   for a territory (华东 or the dealer's province), the others without;
2. creates 2 x ``--orders`` draft orders of ``--order-lines`` authorised lines
   for those dealers (credit control off, so that only this gate differs);
3. confirms them one by one through the ORM (``action_confirm``), alternating an
   order with the company's gate off (Odoo's behaviour) and one with it on (every
   line authorised, so that the whole check runs and the order confirms);
4. prints the time and SQL queries of both, per confirmation, their ratio and the
   queries the gate adds; then the gate's own queries for a dealer with
   ``--authorizations`` authorisations and for one with 5, on an order of
   ``--order-lines`` lines and on one of 1 line, to show they do not grow.
The database is created (crm_channel_mgmt, no demo data) when missing.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import alternate_arms, bench_parser, measure, open_env  # noqa: E402
from generate_dataset import ensure_products  # noqa: E402

TARGET_RATIO = 1.10


def get_parser():
    parser = bench_parser("Dealer authorisation gate: order confirmation with the gate on and off")
    parser.description = __doc__
    parser.set_defaults(modules="crm_channel_mgmt")
    parser.add_argument("--dealers", type=int, default=10)
    parser.add_argument("--authorizations", type=int, default=500, help="authorisations per dealer")
    parser.add_argument("--orders", type=int, default=100, help="orders confirmed with the gate on, and as many off")
    parser.add_argument("--order-lines", type=int, default=20)
    return parser


def build_network(env, args, company, products):
    cn = env.ref("base.cn")
    states = [env.ref("base.state_cn_SH"), env.ref("base.state_cn_JS")]
    Territory = env["crm.channel.territory"]
    east = Territory.create({"name": "Bench 华东"})
    provinces = Territory.create(
        [
            {"name": f"Bench {state.name}", "parent_id": east.id, "country_id": cn.id, "state_id": state.id}
            for state in states
        ]
    )
    level = env["crm.channel.level"].create({"name": "Bench dealer"})
    dealers = env["res.partner"].create(
        [
            {
                "name": f"Bench dealer {i + 1}",
                "is_company": True,
                "country_id": cn.id,
                "state_id": states[i % 2].id,
                "crm_channel_is_dealer": True,
                "crm_channel_level_id": level.id,
            }
            for i in range(args.dealers)
        ]
    )
    for i, dealer in enumerate(dealers):
        env["crm.channel.authorization"].create(
            [
                {
                    "partner_id": dealer.id,
                    "product_id": product.id,
                    "company_id": company.id,
                    "territory_id": (east if j % 4 == 0 else provinces[i % 2]).id if j % 2 == 0 else False,
                }
                for j, product in enumerate(products)
            ]
        )
    small = env["res.partner"].create(
        {
            "name": "Bench dealer with 5 authorisations",
            "is_company": True,
            "country_id": cn.id,
            "state_id": states[0].id,
            "crm_channel_is_dealer": True,
            "crm_channel_level_id": level.id,
        }
    )
    env["crm.channel.authorization"].create(
        [{"partner_id": small.id, "product_id": product.id, "company_id": company.id} for product in products[:5]]
    )
    return dealers, small


def create_orders(env, dealers, count, lines, products, company):
    SaleOrder = env["sale.order"].with_company(company)
    return SaleOrder.create(
        [
            {
                "partner_id": dealers[n % len(dealers)].id,
                "company_id": company.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": products[(n * lines + i) % len(products)].id,
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


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=False) as env:
        if not env["ir.module.module"].search_count([("name", "=", "crm_channel_mgmt"), ("state", "=", "installed")]):
            sys.exit(f"crm_channel_mgmt is not installed in {args.database}: install it or use a new database")
        company = env.ref("base.main_company")
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        company.write({"account_use_credit_limit": False, "crm_channel_gate": False})
        start = time.perf_counter()
        products = ensure_products(env, max(args.authorizations, args.order_lines))[: args.authorizations]
        dealers, small = build_network(env, args, company, products)
        orders_off = create_orders(env, dealers, args.orders, args.order_lines, products, company)
        orders_on = create_orders(env, dealers, args.orders, args.order_lines, products, company)
        env.flush_all()
        env.cr.execute("ANALYZE crm_channel_authorization; ANALYZE sale_order; ANALYZE sale_order_line")
        print(f"# data built in {time.perf_counter() - start:.1f} s", flush=True)

        def confirm(order, gate):
            company.crm_channel_gate = gate
            env.flush_all()
            with measure(env.cr) as result:
                order.action_confirm()
            return result

        arms = alternate_arms(orders_off, orders_on, confirm)
        warm, counted, total = arms["warm"], arms["counted"], arms["total"]
        time_off, time_on = arms["time_off"], arms["time_on"]
        queries_off, queries_on = arms["queries_off"], arms["queries_on"]
        assert set(orders_on.mapped("state")) == {"sale"}, "every order of the gate-on arm confirms"

        # the gate's own queries: many or few authorisations, many or one line
        company.crm_channel_gate = True
        big_order = create_orders(env, dealers[:1], 1, args.order_lines, products, company)
        one_line = create_orders(env, dealers[:1], 1, 1, products, company)
        small_order = create_orders(env, small, 1, 5, products[:5], company)
        gate_queries = {}
        for label, order in (("many", big_order), ("one line", one_line), ("few", small_order)):
            env.flush_all()
            queries0 = env.cr.sql_log_count
            order._crm_channel_check_authorization()
            gate_queries[label] = env.cr.sql_log_count - queries0

    ratio = time_on / time_off if time_off else float("nan")
    print(
        f"orders confirmed per arm: {counted} of {args.order_lines} lines (after {warm} warm-up orders per arm), "
        f"{args.dealers} dealers with {args.authorizations} authorisations each"
    )
    print(
        f"gate off: {time_off:.2f} s, {queries_off} queries "
        f"({time_off / counted * 1000:.1f} ms, {queries_off / counted:.1f} queries per order)"
    )
    print(
        f"gate on:  {time_on:.2f} s, {queries_on} queries "
        f"({time_on / counted * 1000:.1f} ms, {queries_on / counted:.1f} queries per order)"
    )
    print(f"ratio on/off: {ratio:.3f} (target <= {TARGET_RATIO}); run took {total:.1f} s")
    print(f"queries the gate adds per confirmation: {(queries_on - queries_off) / counted:.1f}")
    print(
        f"gate check alone: {gate_queries['many']} queries for {args.order_lines} lines of a dealer with "
        f"{args.authorizations} authorisations, {gate_queries['one line']} for 1 line, "
        f"{gate_queries['few']} for a dealer with 5"
    )
    ok = ratio <= TARGET_RATIO and len(set(gate_queries.values())) == 1
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
