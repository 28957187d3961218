#!/usr/bin/env python3
"""Benchmark of the credit gate on sale order confirmation (crm_core_ext).

    python3 tests/benchmarks/bench_credit.py -d bench_credit [--customers 200] \\
        [--invoices-per-customer 2000] [--orders 200] [--order-lines 10] [--regenerate]

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet (``generate_dataset``:
   ``--customers`` customers with ``--invoices-per-customer`` posted, open invoices
   each, and 5 confirmed orders not invoiced each), or reuses it (recorded in the
   system parameter ``crm_core_ext.bench_credit_dataset``);
2. creates 2 x ``--orders`` draft orders of ``--order-lines`` lines for those customers;
3. confirms them one by one through the ORM (``action_confirm``), alternating an
   order with the gate off (the company's credit limit switch off, Odoo's own
   behaviour) and one with the gate on (every customer with a credit limit it does
   not reach, so that the whole check runs and the order confirms);
4. prints the time and SQL queries of both, per confirmation, their ratio and the
   queries the gate adds; then the gate's queries for a customer without history,
   to show they do not depend on the number of invoices and orders.
Everything is rolled back at the end: the dataset stays, the orders do not.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import alternate_arms, bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import create_draft_orders, ensure_products, generate  # noqa: E402

PARAM = "crm_core_ext.bench_credit_dataset"
TARGET_RATIO = 1.10


def get_parser():
    parser = bench_parser("Credit gate: order confirmation with the gate on and off")
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--invoices-per-customer", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=200, help="orders confirmed with the gate on, and as many off")
    parser.add_argument("--order-lines", type=int, default=10)
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    return parser


def dataset(args):
    wanted = {"customers": args.customers, "invoices_per_customer": args.invoices_per_customer}
    return ensure_dataset(
        args,
        PARAM,
        wanted,
        lambda env: generate(
            env,
            args.customers,
            args.invoices_per_customer,
            1,
            refund_ratio=0,
            paid_ratio=0,
            days=300,
            orders_per_customer=5,
            order_lines=args.order_lines,
        ),
    )


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    with open_env(args, commit=False) as env:
        company = env["res.company"].browse(info["company_id"])
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        first, last = info["partner_ids"]
        customers = env["res.partner"].browse(range(first, last + 1))
        # a limit every customer stays under: the whole check runs and passes
        env.cr.execute(
            "UPDATE res_partner SET credit_limit = COALESCE(credit_limit, '{}'::jsonb) || jsonb_build_object(%s, 1e12)"
            " WHERE id BETWEEN %s AND %s",
            [str(company.id), first, last],
        )
        company.write({"crm_credit_policy": "approval", "crm_credit_block_delivery": False})
        products = ensure_products(env, args.order_lines)
        picked = [customers[i % len(customers)] for i in range(args.orders)]
        orders_off = create_draft_orders(env, picked, args.order_lines, products, company)
        orders_on = create_draft_orders(env, picked, args.order_lines, products, company)
        env.flush_all()
        env.cr.execute("ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE res_partner")

        def confirm(order, gate):
            company.account_use_credit_limit = gate
            env.flush_all()
            with measure(env.cr) as result:
                order.action_confirm()
            return result

        arms = alternate_arms(orders_off, orders_on, confirm)
        warm, counted, total = arms["warm"], arms["counted"], arms["total"]
        time_off, time_on = arms["time_off"], arms["time_on"]
        queries_off, queries_on = arms["queries_off"], arms["queries_on"]
        assert set(orders_on.mapped("state")) == {"sale"}, "every order of the gate-on arm confirms"

        # the gate's own queries: for a customer with thousands of invoices and orders,
        # and for a fresh customer with none
        busy = orders_on[-1].copy()
        fresh_partner = env["res.partner"].create({"name": "Fresh bench customer", "is_company": True})
        fresh_partner.with_company(company).credit_limit = 1e12
        fresh = busy.copy({"partner_id": fresh_partner.id})
        company.account_use_credit_limit = True
        gate_queries = {}
        for label, order in (("busy", busy), ("fresh", fresh)):
            for __ in range(2):  # warm the registry caches, as the unit test does
                env.invalidate_all()
                order._crm_credit_check()
            env.invalidate_all()
            queries0 = env.cr.sql_log_count
            order._crm_credit_check()
            gate_queries[label] = env.cr.sql_log_count - queries0
        env.cr.execute(
            """
            SELECT COUNT(*) FROM account_move_line aml JOIN account_account a ON a.id = aml.account_id
             WHERE aml.partner_id = %s AND a.account_type = 'asset_receivable' AND NOT aml.reconciled
            """,
            [busy.partner_id.id],
        )
        open_lines = env.cr.fetchone()[0]

    ratio = time_on / time_off if time_off else float("nan")
    print(f"orders confirmed per arm: {counted} of {args.order_lines} lines (after {warm} warm-up orders per arm)")
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
        f"gate check alone: {gate_queries['busy']} queries for a customer with {open_lines} open receivable lines "
        f"and 5+ confirmed orders, {gate_queries['fresh']} for a customer with none"
    )
    ok = ratio <= TARGET_RATIO and gate_queries["busy"] == gate_queries["fresh"]
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
