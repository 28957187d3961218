#!/usr/bin/env python3
"""Benchmark of the service plans' daily job (crm_service_desk, crm.service.plan).

    python3 tests/benchmarks/bench_service_plans.py -d pl_bench [--plans 20000] [--due-share 0.25] \\
        [--batch 500] [--commit]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench service_plans -d pl_bench

Not part of the test suite. It
1. inserts ``--plans`` service plans set-based (bulk SQL) on 200 customers and
   as many serial numbers: 60 % monthly, 25 % every N days, 15 % by usage with
   two meter readings each; about ``--due-share`` of them are due within their
   lead time today (the others later), with a routing rule, a round-robin queue
   and SLA targets on a working calendar so each request goes through the full
   request create;
2. runs the daily job (``crm.service.plan._generate_due_requests``, batches of
   ``--batch``) and prints its time, its SQL query count and the queries per
   due plan;
3. runs the job a second time the same day: it must create nothing (prints
   time and queries);
4. for comparison, creates the same number of requests directly with
   ``crm.service.request.create`` in batches of ``--batch`` (the work the job
   cannot avoid) and prints the ratio job / plain creation (target <= 1.5: the
   plans' selection, occurrence rows and advancing cost at most half of the
   request creation itself, which dominates the job's time).
Everything is rolled back at the end unless ``--commit``.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

TARGET_RATIO = 1.5


def get_parser():
    parser = bench_parser("Service plans: daily job creating the due maintenance requests")
    parser.description = __doc__
    parser.set_defaults(modules="crm_service_desk")
    parser.add_argument("--plans", type=int, default=20_000, help="service plans inserted")
    parser.add_argument("--due-share", type=float, default=0.25, help="share of plans due today (0-1)")
    parser.add_argument("--batch", type=int, default=500, help="plans per batch of the job")
    parser.add_argument("--commit", action="store_true", help="keep the generated plans and requests")
    return parser


def setup(env):
    from odoo import Command  # noqa: PLC0415

    company = env.ref("base.main_company")
    group = env.ref("crm_service_desk.crm_service_desk_group_user")
    stamp = int(time.time())
    agents = env["res.users"].create(
        [
            {"name": f"Plan agent {i}", "login": f"plan_agent_{stamp}_{i}", "groups_id": [Command.set(group.ids)]}
            for i in range(10)
        ]
    )
    queue = env["crm.service.queue"].create(
        {
            "name": "Bench maintenance",
            "member_ids": [Command.set(agents.ids)],
            "assignment_method": "round_robin",
            "calendar_id": company.resource_calendar_id.id,
        }
    )
    env["crm.service.sla"].create(
        [
            {"queue_id": queue.id, "priority": p, "response_hours": 4, "resolution_hours": 24}
            for p in ("0", "1", "2", "3")
        ]
    )
    env["crm.service.routing.rule"].create(
        {"name": "maintenance", "sequence": 1, "request_type": "maintenance", "queue_id": queue.id}
    )
    partners = env["res.partner"].create(
        [{"name": f"Plan customer {stamp} {i}", "is_company": True} for i in range(200)]
    )
    product = env["product.product"].create({"name": f"Plan truck {stamp}", "is_storable": True, "tracking": "serial"})
    return company, partners, product, stamp


def insert_plans(env, count, due_share, company, partners, product, stamp):
    """Plans, their serial numbers and readings in a few INSERT ... SELECT statements; the stored
    next_due_date / generate_date follow the plan's compute."""
    cr = env.cr
    due_every = max(int(round(1 / due_share)), 1) if due_share > 0 else 0
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, company_id, create_uid, write_uid, create_date, write_date)
        SELECT 'PLAN-' || %(stamp)s || '-' || g, %(product)s, %(company)s, 1, 1,
               now() at time zone 'utc', now() at time zone 'utc'
          FROM generate_series(1, %(count)s) g
        """,
        {"stamp": stamp, "product": product.id, "company": company.id, "count": count},
    )
    cr.execute(
        """
        WITH lots AS (
            SELECT id, row_number() OVER (ORDER BY id) AS g FROM stock_lot WHERE name LIKE %(pattern)s
        ), base AS (
            SELECT l.g, l.id AS lot_id,
                   CASE WHEN l.g %% 20 < 12 THEN 'months' WHEN l.g %% 20 < 17 THEN 'days' ELSE 'usage' END AS kind,
                   (CASE WHEN %(due_every)s > 0 AND l.g %% %(due_every)s = 0
                         THEN CURRENT_DATE + (l.g %% 7)::int              -- due within the 7-day lead time
                         ELSE CURRENT_DATE + 8 + (l.g %% 300)::int END)::date AS due
              FROM lots l
        )
        INSERT INTO crm_service_plan
               (name, company_id, active, partner_id, product_id, lot_id, request_type, priority,
                interval_type, interval_number, usage_interval, usage_baseline, lead_days, start_date,
                next_due_date, generate_date, create_uid, write_uid, create_date, write_date)
        SELECT 'Plan ' || b.g, %(company)s, TRUE, p.ids[1 + b.g %% array_length(p.ids, 1)], %(product)s, b.lot_id,
               'maintenance', '1', b.kind,
               CASE WHEN b.kind = 'days' THEN 90 ELSE 3 END,
               CASE WHEN b.kind = 'usage' THEN 500 ELSE 0 END,
               CASE WHEN b.kind = 'usage' THEN 1000 ELSE 0 END,
               7, b.due,
               CASE WHEN b.kind = 'usage' AND b.due > CURRENT_DATE THEN NULL ELSE b.due END,
               CASE WHEN b.kind = 'usage' THEN (CASE WHEN b.due > CURRENT_DATE THEN NULL ELSE b.due END)
                    ELSE b.due - 7 END,
               1, 1, now() at time zone 'utc', now() at time zone 'utc'
          FROM base b,
               (SELECT array_agg(id ORDER BY id) ids FROM res_partner WHERE id IN %(partners)s) p
        """,
        {
            "pattern": f"PLAN-{stamp}-%",
            "due_every": due_every,
            "company": company.id,
            "product": product.id,
            "partners": tuple(partners.ids),
        },
    )
    # usage plans: one reading 200 units up, then (for the due ones) one past the 500-unit interval
    cr.execute(
        """
        INSERT INTO crm_service_plan_reading
               (plan_id, company_id, date, value, create_uid, write_uid, create_date, write_date)
        SELECT id, company_id, CURRENT_DATE - 30, 1200, 1, 1, now() at time zone 'utc', now() at time zone 'utc'
          FROM crm_service_plan WHERE lot_id IN (SELECT id FROM stock_lot WHERE name LIKE %(pattern)s)
           AND interval_type = 'usage'
        UNION ALL
        SELECT id, company_id, next_due_date, 1560, 1, 1, now() at time zone 'utc', now() at time zone 'utc'
          FROM crm_service_plan WHERE lot_id IN (SELECT id FROM stock_lot WHERE name LIKE %(pattern)s)
           AND interval_type = 'usage' AND next_due_date IS NOT NULL
        """,
        {"pattern": f"PLAN-{stamp}-%"},
    )
    cr.execute("ANALYZE crm_service_plan")
    cr.execute("ANALYZE crm_service_plan_reading")
    cr.execute("ANALYZE stock_lot")
    env.invalidate_all()
    cr.execute(
        "SELECT id FROM crm_service_plan WHERE lot_id IN (SELECT id FROM stock_lot WHERE name LIKE %s)",
        [f"PLAN-{stamp}-%"],
    )
    return env["crm.service.plan"].browse([row[0] for row in cr.fetchall()])


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=args.commit) as env:
        from odoo import fields  # noqa: PLC0415

        company, partners, product, stamp = setup(env)
        env.flush_all()
        plans = insert_plans(env, args.plans, args.due_share, company, partners, product, stamp)
        Plan = env["crm.service.plan"]
        today = fields.Date.context_today(Plan)
        due = Plan.search_count([("id", "in", plans.ids), ("generate_date", "<=", today)])
        print(f"# {len(plans)} plans inserted, {due} due within their lead time today")

        with measure(env.cr, f"daily job over {len(plans)} plans") as job:
            created = Plan._generate_due_requests(today, batch_size=args.batch)
            env.flush_all()
        per_plan = job.queries / max(len(created), 1)
        print(f"{job} -> {len(created)} requests created, {per_plan:.2f} queries per request")
        advanced = Plan.search_count([("id", "in", plans.ids), ("generate_date", "<=", today)])
        print(f"# plans still due after the job: {advanced}")

        env.invalidate_all()
        with measure(env.cr, "second run the same day") as rerun:
            again = Plan._generate_due_requests(today, batch_size=args.batch)
            env.flush_all()
        print(f"{rerun} -> {len(again)} requests created (must be 0)")

        vals = [
            {
                "name": f"Direct {i}",
                "partner_id": partners[i % len(partners)].id,
                "product_id": product.id,
                "request_type": "maintenance",
            }
            for i in range(len(created))
        ]
        with measure(env.cr, f"plain create of {len(vals)} requests") as plain:
            for start in range(0, len(vals), args.batch):
                env["crm.service.request"].create(vals[start : start + args.batch])
            env.flush_all()
        print(plain)
        ratio = job.seconds / plain.seconds if plain.seconds else 0
        print(f"job / plain creation: {ratio:.2f}")
        ok = ratio <= TARGET_RATIO and not again and created and due == len(created)
        verdict = "targets met" if ok else "TARGETS MISSED"
        print(f"job / plain creation {ratio:.2f} (target <= {TARGET_RATIO}), nothing twice: {verdict}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
