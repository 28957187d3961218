#!/usr/bin/env python3
"""Benchmark of the daily customer lifecycle update (crm_core_ext, res.partner._cron_crm_lifecycle_update).

    python3 tests/benchmarks/bench_lifecycle.py -d bench_lifecycle [--customers 100000] \\
        [--orders-per-customer 3] [--days 800] [--batch-size 5000] [--sample 500] [--regenerate] [--commit]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench lifecycle -d bench_lifecycle --customers 100000

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet (``generate_dataset``:
   ``--customers`` customers with ``--orders-per-customer`` confirmed orders of one
   line each, dated over the last ``--days`` days, written in bulk so that no
   lifecycle event ran), or reuses it (recorded in the system parameter
   ``crm_core_ext.bench_lifecycle_dataset``);
2. runs the set-based schedule three times, timing it and counting its SQL queries:
   run 1 classifies every customer from its orders (first deal, repeat, loyal,
   dormant, lost); run 2 is the same schedule 200 days later (customers turn dormant
   and lost); run 3 re-runs on unchanged data (nothing to move);
3. runs the naive way, customer by customer through the ORM (``search_read`` of the
   customer's confirmed orders, stage decided in Python, ``write`` on the partner,
   ``create`` of a history row) on ``--sample`` customers and extrapolates to all;
4. prints times, query counts, batches and the ratio; checks the targets
   (run 1 <= 60 s, >= 10 times faster than the naive way).
Everything but the dataset is rolled back at the end unless ``--commit``.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import generate  # noqa: E402

PARAM = "crm_core_ext.bench_lifecycle_dataset"
TARGET_SECONDS = 60
TARGET_RATIO = 10


def get_parser():
    parser = bench_parser("Customer lifecycle schedule: set-based SQL vs customer by customer through the ORM")
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders-per-customer", type=int, default=3)
    parser.add_argument("--days", type=int, default=800, help="orders are dated over this many past days")
    parser.add_argument("--batch-size", type=int, default=5000, help="customers moved per batch")
    parser.add_argument("--sample", type=int, default=500, help="customers classified the naive way")
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    parser.add_argument("--commit", action="store_true", help="keep the computed stages and history")
    return parser


def dataset(args):
    wanted = {"customers": args.customers, "orders_per_customer": args.orders_per_customer, "days": args.days}
    return ensure_dataset(
        args,
        PARAM,
        wanted,
        lambda env: generate(
            env, args.customers, 0, 1, days=args.days, orders_per_customer=args.orders_per_customer, order_lines=1
        ),
    )


def run_schedule(env, label, batch_size):
    """The scheduler's way: one batch per call until nothing remains."""
    Partner = env["res.partner"]
    batches = moved = 0
    with measure(env.cr, label) as m:
        while True:
            done, remaining = Partner._crm_lifecycle_schedule_batch(batch_size)
            batches += 1
            moved += done
            if not remaining or not done:
                break
    print(f"{m}; {moved} customers moved in {batches} batch(es)", flush=True)
    return m, moved


def naive_classify(env, company, partners):
    """The straightforward ORM way: one customer at a time."""
    now = env.cr.now().replace(tzinfo=None)
    stages = env["crm.lifecycle.stage"]._get_stage_by_code(company)
    Order = env["sale.order"]
    History = env["crm.lifecycle.history"]
    for partner in partners.with_company(company):
        dates = [
            o["date_order"]
            for o in Order.search_read(
                [
                    ("partner_id.commercial_partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                ],
                ["date_order"],
            )
        ]
        if not dates:
            continue
        last = max(dates)
        in_window = sum(1 for d in dates if d >= now - timedelta(days=company.crm_lifecycle_repeat_days))
        if last < now - timedelta(days=company.crm_lifecycle_lost_days):
            code = "lost"
        elif last < now - timedelta(days=company.crm_lifecycle_dormant_days):
            code = "dormant"
        elif in_window >= company.crm_lifecycle_loyal_orders:
            code = "loyal"
        elif in_window >= 2:
            code = "repeat"
        else:
            code = "first_deal"
        old = partner.crm_lifecycle_stage_id
        partner.with_context(crm_lifecycle_skip_history=True).write(
            {"crm_lifecycle_stage_id": stages[code].id, "crm_lifecycle_date": now}
        )
        History.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "stage_from_id": old.id,
                "stage_to_id": stages[code].id,
                "trigger": "schedule",
                "date": now,
            }
        )
    env.flush_all()


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    from freezegun import freeze_time  # noqa: PLC0415 - only needed here

    with open_env(args, commit=args.commit) as env:
        company = env["res.company"].browse(info["company_id"])
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        first, last = info["partner_ids"]
        # start from customers without a stage in the company
        env.flush_all()
        env.cr.execute(
            """
            UPDATE res_partner
               SET crm_lifecycle_stage_id = crm_lifecycle_stage_id - %(cid)s,
                   crm_lifecycle_date = crm_lifecycle_date - %(cid)s
             WHERE id BETWEEN %(first)s AND %(last)s AND crm_lifecycle_stage_id ? %(cid)s
            """,
            {"cid": str(company.id), "first": first, "last": last},
        )
        env.cr.execute("ANALYZE res_partner")
        env.invalidate_all()
        env.cr.execute(
            "SELECT COUNT(*) FROM sale_order WHERE company_id = %s AND state = 'sale'",
            [company.id],
        )
        print(f"# {last - first + 1} customers, {env.cr.fetchone()[0]} confirmed orders in the company", flush=True)

        # naive first, on a sample, then undo it
        sample = env["res.partner"].browse(range(first, first + min(args.sample, last - first + 1)))
        with env.cr.savepoint() as savepoint:
            with measure(env.cr, "naive ORM, sample") as naive:
                naive_classify(env, company, sample)
            savepoint.rollback()
        env.invalidate_all()
        print(naive, flush=True)
        naive_total = naive.seconds * (last - first + 1) / max(len(sample), 1)

        run1, moved1 = run_schedule(env, "set-based schedule, run 1 (classify)", args.batch_size)
        with freeze_time(env.cr.now().replace(tzinfo=None) + timedelta(days=200), tick=True):
            run_schedule(env, "set-based schedule, run 2 (200 days later)", args.batch_size)
        run_schedule(env, "set-based schedule, run 3 (nothing to move)", args.batch_size)

        env.cr.execute(
            """
            SELECT s.name->>'en_US', COUNT(*)
              FROM res_partner p JOIN crm_lifecycle_stage s ON s.id = (p.crm_lifecycle_stage_id->>%s)::int
             WHERE p.id BETWEEN %s AND %s GROUP BY s.name, s.sequence ORDER BY s.sequence
            """,
            [str(company.id), first, last],
        )
        print("# customers per stage after run 2: " + ", ".join(f"{n}: {c}" for n, c in env.cr.fetchall()))
        ratio = naive_total / run1.seconds if run1.seconds else float("inf")
        print(f"# naive ORM extrapolated to all customers: {naive_total:.1f} s; set-based run 1: {run1.seconds:.1f} s")
        print(f"# ratio: {ratio:.1f}x (target >= {TARGET_RATIO}x); run 1 target <= {TARGET_SECONDS} s")
        ok = run1.seconds <= TARGET_SECONDS and ratio >= TARGET_RATIO
        print("# RESULT: " + ("PASS" if ok else "FAIL"), flush=True)
        if not args.commit:
            env.cr.rollback()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
