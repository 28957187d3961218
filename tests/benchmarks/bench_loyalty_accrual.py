#!/usr/bin/env python3
"""Benchmark of points accrual on invoice posting and payment (crm_loyalty).

    python3 tests/runner/suite.py bench loyalty_accrual -d bench_loyalty [--invoices 5000] \\
        [--customers 200] [--batch 50]

Not part of the test suite. It
1. creates ``--customers`` customers (a third of them tagged VIP), two products
   and a loyalty program that earns on payment with 5 active rules (per amount
   spent; per unit of a product; per product category; VIP customers with a
   minimum amount; per order over a minimum);
2. posts and pays (``action_post`` then the payment wizard, one invoice at a
   time, as an accountant does) ``--invoices`` invoices of 3 lines with the
   program active, and as many with the program archived (crm_loyalty then
   only looks for programs: Odoo's own cost), alternating batches of
   ``--batch`` invoices (each arm first in every other batch) so that both
   arms see the same database; each batch runs in its own transaction and
   commits, as users' requests do (one long transaction makes Odoo's own
   posting slower with every invoice: ``account.move._disable_recursion``
   walks every environment of the transaction);
3. prints the time and SQL queries per invoice of both arms, their ratio
   (target <= 1.2) and the queries per invoice of the first and last batch with
   the program on (constant: they do not grow with the ledger);
4. checks that every card equals the sum of its ledger. The invoices stay in
   the database (use a database for benchmarks); the program is archived.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, get_registry, measure, open_env  # noqa: E402

TARGET_RATIO = 1.2


def get_parser():
    parser = bench_parser("Loyalty: invoice posting and payment with and without points")
    parser.description = __doc__
    parser.set_defaults(modules="crm_loyalty")
    parser.add_argument("--invoices", type=int, default=5000, help="invoices per arm")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    return parser


def setup(env, args):
    Command = __import__("odoo").Command
    tag = env["res.partner.category"].create({"name": "Bench VIP"})
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench loyalty customer {i}",
                "is_company": True,
                "category_id": [Command.set(tag.ids)] if i % 3 == 0 else [],
            }
            for i in range(args.customers)
        ]
    )
    category = env["product.category"].create({"name": "Bench loyalty category"})
    products = env["product.product"].create(
        [
            {"name": "Bench loyalty A", "type": "consu", "list_price": 120, "categ_id": category.id},
            {"name": "Bench loyalty B", "type": "service", "list_price": 80},
        ]
    )
    program = env["loyalty.program"].create(
        {
            "name": "Bench accrual program",
            "program_type": "loyalty",
            "crm_ledger": True,
            "trigger": "auto",
            "applies_on": "both",
            "crm_accrual_moment": "payment",
            "crm_expiry_policy": "months",
            "rule_ids": [
                Command.create({"reward_point_mode": "money", "reward_point_amount": 1}),
                Command.create(
                    {
                        "reward_point_mode": "unit",
                        "reward_point_amount": 5,
                        "product_ids": [Command.set(products[:1].ids)],
                    }
                ),
                Command.create(
                    {"reward_point_mode": "money", "reward_point_amount": 0.5, "product_category_id": category.id}
                ),
                Command.create(
                    {
                        "reward_point_mode": "order",
                        "reward_point_amount": 50,
                        "minimum_amount": 300,
                        "crm_partner_category_ids": [Command.set(tag.ids)],
                    }
                ),
                Command.create({"reward_point_mode": "order", "reward_point_amount": 20, "minimum_amount": 500}),
            ],
        }
    )
    return customers, products, program


def draft_invoices(env, customers, products, count, offset):
    Command = __import__("odoo").Command
    # one create per invoice: account.move's create of many invoices at once
    # syncs every move's dynamic lines for each one (not what is measured)
    return env["account.move"].concat(
        *(
            env["account.move"].create(vals)
            for vals in [
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[(offset + i) % len(customers)].id,
                    "invoice_line_ids": [
                        Command.create({"product_id": products[0].id, "quantity": 2, "price_unit": 120}),
                        Command.create({"product_id": products[1].id, "quantity": 1, "price_unit": 80}),
                        Command.create({"product_id": products[0].id, "quantity": 1, "price_unit": 100 + i % 50}),
                    ],
                }
                for i in range(count)
            ]
        )
    )


def post_and_pay(env, invoices):
    for invoice in invoices:
        invoice.action_post()
        env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {}
        )._create_payments()


def main():
    args = get_parser().parse_args()
    odoo = __import__("odoo")
    registry = get_registry(args)

    def transaction():
        """A new cursor and environment, as each request of a user gets."""
        cr = registry.cursor()
        return cr, odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

    with open_env(args) as env:  # committed: the batches below run in their own transactions
        customers, products, program = setup(env, args)
        ids = customers.ids, products.ids, program.id
    totals = {"on": [0.0, 0], "off": [0.0, 0]}
    on_batches = []
    done = 0
    try:
        # warm-up (caches, prepared statements) on both arms, not measured
        for active in (False, True):
            cr, env = transaction()
            with cr:
                customers, products = env["res.partner"].browse(ids[0]), env["product.product"].browse(ids[1])
                env["loyalty.program"].browse(ids[2]).active = active
                post_and_pay(env, draft_invoices(env, customers, products, 5, 0))
        while done < args.invoices:
            size = min(args.batch, args.invoices - done)
            # the arm that runs first changes every batch: neither profits
            # from the other's warm caches more often
            arms = ("off", "on") if (done // args.batch) % 2 == 0 else ("on", "off")
            for arm in arms:
                cr, env = transaction()
                with cr:
                    customers, products = env["res.partner"].browse(ids[0]), env["product.product"].browse(ids[1])
                    env["loyalty.program"].browse(ids[2]).active = arm == "on"
                    invoices = draft_invoices(env, customers, products, size, done)
                    env.cr.commit()
                    with measure(env.cr, arm) as m:
                        post_and_pay(env, invoices)
                    totals[arm][0] += m.seconds
                    totals[arm][1] += m.queries
                    if arm == "on":
                        on_batches.append(m.queries / size)
            done += size
            print(f"{done} invoices per arm", flush=True)
    finally:
        # the program stays, archived: the next run creates its own
        cr, env = transaction()
        with cr:
            env["loyalty.program"].browse(ids[2]).active = False
    n = done
    for arm in ("off", "on"):
        seconds, queries = totals[arm]
        print(
            f"program {arm:3}: {seconds:.2f} s, {1000 * seconds / n:.1f} ms and {queries / n:.1f} queries per invoice"
        )
    ratio = totals["on"][0] / totals["off"][0]
    verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"ratio on/off: {ratio:.3f} (target <= {TARGET_RATIO}) {verdict}")
    print(f"queries per invoice with points, first batch {on_batches[0]:.1f}, last batch {on_batches[-1]:.1f}")
    cr, env = transaction()
    with cr:
        env.cr.execute(
            """
            SELECT count(*) FROM loyalty_card c
              LEFT JOIN (SELECT card_id, SUM(points) total FROM crm_loyalty_ledger GROUP BY card_id) s
                ON s.card_id = c.id
             WHERE c.program_id = %s AND round(c.points::numeric, 2) <> round(COALESCE(s.total, 0)::numeric, 2)
            """,
            [ids[2]],
        )
        print(f"cards whose points differ from their ledger: {env.cr.fetchone()[0]}")
        env.cr.execute("SELECT count(*), SUM(points) FROM crm_loyalty_ledger WHERE program_id = %s", [ids[2]])
        print("ledger rows, points: %s, %s" % env.cr.fetchone())


if __name__ == "__main__":
    main()
