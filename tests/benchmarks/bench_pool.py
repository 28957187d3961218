#!/usr/bin/env python3
"""Benchmark of the nightly public pool job (crm_core_ext, res.partner._cron_crm_pool_reclaim).

    python3 tests/benchmarks/bench_pool.py -d h3_bench [--customers 100000] [--days 365] \\
        [--pool-days 90] [--salespeople 20] [--message-ratio 0.5] [--activity-ratio 0.1] \\
        [--batch-size 20000] [--sample 300] [--regenerate] [--commit]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench pool -d h3_bench --customers 100000

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet (``generate_dataset``:
   ``--customers`` customers with one confirmed order each, dated over the last
   ``--days`` days), or reuses it (system parameter ``crm_core_ext.bench_pool_dataset``);
2. in the benchmark's transaction, in bulk SQL: gives the customers to
   ``--salespeople`` salespeople (created through the ORM), dates their creation
   and assignment ``--days`` + 30 days back, writes a note by their salesperson
   on ``--message-ratio`` of them and an activity on ``--activity-ratio`` of
   them, dated over the last ``--days`` days;
3. runs the job the naive way, customer by customer through the ORM (one search
   per kind of activity, a write, a history row) on ``--sample`` customers, and
   extrapolates to all;
4. runs the set-based job (batches of ``--batch-size``, as the scheduler does)
   with a pool after ``--pool-days`` days, timing it and counting its SQL queries,
   then checks its result against an independent count;
5. prints times, query counts and the ratio; checks the target (<= 30 s).
Everything but the dataset is rolled back at the end unless ``--commit``.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import generate  # noqa: E402

PARAM = "crm_core_ext.bench_pool_dataset"
TARGET_SECONDS = 30


def get_parser():
    parser = bench_parser("Public pool job: set-based SQL vs customer by customer through the ORM")
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365, help="orders, notes and activities over this many days")
    parser.add_argument("--pool-days", type=int, default=90, help="idle days before a customer returns to the pool")
    parser.add_argument("--salespeople", type=int, default=20)
    parser.add_argument("--message-ratio", type=float, default=0.5, help="share of customers with a note")
    parser.add_argument("--activity-ratio", type=float, default=0.1, help="share of customers with an activity")
    parser.add_argument("--batch-size", type=int, default=100000, help="customers returned per batch")
    parser.add_argument("--sample", type=int, default=300, help="customers handled the naive way")
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    parser.add_argument("--commit", action="store_true", help="keep the pool and its history")
    return parser


def dataset(args):
    wanted = {"customers": args.customers, "days": args.days, "orders_per_customer": 1}
    return ensure_dataset(
        args,
        PARAM,
        wanted,
        lambda env: generate(env, args.customers, 0, 1, days=args.days, orders_per_customer=1, order_lines=1),
    )


def prepare(env, args, company, first, last):
    """Salespeople, ownership, notes and activities, in bulk."""
    cr = env.cr
    logins = [f"bench_pool_{i}_{first}" for i in range(args.salespeople)]
    users = env["res.users"].with_context(active_test=False).search([("login", "in", logins)])
    missing = [login for login in logins if login not in users.mapped("login")]
    users |= env["res.users"].create(
        [
            {
                "name": f"Bench Pool Salesperson {login}",
                "login": login,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
                "notification_type": "inbox",
            }
            for login in missing
        ]
    )
    env.flush_all()
    params = {
        "first": first,
        "last": last,
        "users": users.ids,
        "partners": users.partner_id.ids,
        "days": args.days,
        "old": args.days + 30,
        "msg": args.message_ratio,
        "act": args.activity_ratio,
        "note": env.ref("mail.mt_note").id,
        "todo": env.ref("mail.mail_activity_data_todo").id,
        "model": env["ir.model"]._get_id("res.partner"),
    }
    cr.execute("DELETE FROM crm_customer_assignment WHERE partner_id BETWEEN %(first)s AND %(last)s", params)
    cr.execute("DELETE FROM mail_message WHERE model = 'res.partner' AND res_id BETWEEN %(first)s AND %(last)s", params)
    cr.execute(
        "DELETE FROM mail_activity WHERE res_model = 'res.partner' AND res_id BETWEEN %(first)s AND %(last)s", params
    )
    cr.execute("SELECT setseed(0.24)")
    cr.execute(
        """
        UPDATE res_partner
           SET user_id = (%(users)s::int[])[1 + (id %% array_length(%(users)s::int[], 1))],
               create_date = (NOW() AT TIME ZONE 'UTC') - %(old)s * INTERVAL '1 day',
               crm_owner_since = (NOW() AT TIME ZONE 'UTC') - %(old)s * INTERVAL '1 day',
               crm_pool_since = NULL, crm_claimed = FALSE, partner_share = TRUE
         WHERE id BETWEEN %(first)s AND %(last)s
        """,
        params,
    )
    print(f"  customers given to {len(users)} salespeople: {cr.rowcount}", flush=True)
    cr.execute(
        """
        INSERT INTO mail_message (model, res_id, record_name, message_type, subtype_id, author_id, body, date,
                                  create_uid, create_date, write_uid, write_date)
        SELECT 'res.partner', p.id, p.name, 'comment', %(note)s,
               (%(partners)s::int[])[1 + (p.id %% array_length(%(partners)s::int[], 1))],
               '<p>Phone call</p>', d.date, 1, d.date, 1, d.date
          FROM res_partner p
         CROSS JOIN LATERAL (SELECT (NOW() AT TIME ZONE 'UTC') - (floor(random() * %(days)s) + 0.5) * INTERVAL '1 day'
                                    + p.id * INTERVAL '0 second' AS date) d
         WHERE p.id BETWEEN %(first)s AND %(last)s AND random() < %(msg)s
        """,
        params,
    )
    print(f"  notes by salespeople: {cr.rowcount}", flush=True)
    cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                                   date_deadline, user_id, automated, create_uid, create_date, write_uid, write_date)
        SELECT %(model)s, 'res.partner', p.id, p.name, %(todo)s, 'Follow up',
               (d.date + INTERVAL '7 day')::date, p.user_id, FALSE, 1, d.date, 1, d.date
          FROM res_partner p
         CROSS JOIN LATERAL (SELECT (NOW() AT TIME ZONE 'UTC') - (floor(random() * %(days)s) + 0.5) * INTERVAL '1 day'
                                    + p.id * INTERVAL '0 second' AS date) d
         WHERE p.id BETWEEN %(first)s AND %(last)s AND random() < %(act)s
        """,
        params,
    )
    print(f"  activities: {cr.rowcount}", flush=True)
    for table in ("res_partner", "mail_message", "mail_activity", "sale_order"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    env.invalidate_all()
    return users


def expected_idle(env, company, first, last):
    """Independent count: customers of the range whose latest order, note or
    activity is older than the pool delay (a plain GREATEST of three maxima)."""
    env.cr.execute(
        """
        SELECT COUNT(*) FROM (
            SELECT p.id,
                   GREATEST(p.create_date,
                            (SELECT MAX(date_order) FROM sale_order WHERE partner_id = p.id AND state != 'cancel'),
                            (SELECT MAX(date) FROM mail_message WHERE model = 'res.partner' AND res_id = p.id),
                            (SELECT MAX(create_date) FROM mail_activity
                              WHERE res_model = 'res.partner' AND res_id = p.id)
                   ) AS last_activity
              FROM res_partner p
             WHERE p.id BETWEEN %s AND %s AND p.user_id IS NOT NULL
        ) t WHERE last_activity < (NOW() AT TIME ZONE 'UTC') - %s * INTERVAL '1 day'
        """,
        [first, last, company.crm_pool_days],
    )
    return env.cr.fetchone()[0]


def naive_reclaim(env, company, partners):
    """The straightforward ORM way: one customer at a time."""
    cutoff = env.cr.now().replace(tzinfo=None) - timedelta(days=company.crm_pool_days)
    Order, Message, Activity = env["sale.order"], env["mail.message"], env["mail.activity"]
    History = env["crm.customer.assignment"]
    returned = 0
    for partner in partners:
        members = [("partner_id", "child_of", partner.id)]
        if Order.search_count(members + [("date_order", ">=", cutoff), ("state", "!=", "cancel")], limit=1):
            continue
        record = [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("date", ">=", cutoff)]
        if Message.search_count(record + [("message_type", "in", ("comment", "email"))], limit=1):
            continue
        activity = [("res_model", "=", "res.partner"), ("res_id", "=", partner.id), ("create_date", ">=", cutoff)]
        if Activity.search_count(activity, limit=1):
            continue
        previous = partner.user_id
        partner._crm_write_owner({"user_id": False, "crm_pool_since": env.cr.now(), "crm_pool_company_id": company.id})
        History.create(
            {"partner_id": partner.id, "company_id": company.id, "type": "reclaim", "user_from_id": previous.id}
        )
        returned += 1
    env.flush_all()
    return returned


def main():
    args = get_parser().parse_args()
    print(f"# load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    info = dataset(args)
    with open_env(args, commit=args.commit) as env:
        company = env["res.company"].browse(info["company_id"])
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        first, last = info["partner_ids"]
        print(f"# preparing {last - first + 1} customers", flush=True)
        prepare(env, args, company, first, last)
        # only this company's pool runs, and only this dataset is old enough
        env["res.company"].search([]).write({"crm_pool_days": 0})
        company.write({"crm_pool_days": args.pool_days, "crm_pool_claim_cap": 50})
        env.flush_all()
        expected = expected_idle(env, company, first, last)
        print(f"# {expected} customers idle for {args.pool_days} days (independent count)", flush=True)

        sample = env["res.partner"].browse(range(first, first + min(args.sample, last - first + 1)))
        with env.cr.savepoint() as savepoint:
            with measure(env.cr, "naive ORM, sample") as naive:
                naive_returned = naive_reclaim(env, company, sample)
            savepoint.rollback()
        env.invalidate_all()
        print(f"{naive}; {naive_returned} of {len(sample)} returned", flush=True)
        naive_total = naive.seconds * (last - first + 1) / max(len(sample), 1)

        Partner = env["res.partner"]
        batches = returned = 0
        with measure(env.cr, f"set-based job, batches of {args.batch_size}") as run:
            while True:
                done, remaining = Partner._crm_pool_reclaim_batch(args.batch_size)
                batches += 1
                returned += done
                if not remaining or not done:
                    break
        print(f"{run}; {returned} customers returned in {batches} batch(es)", flush=True)
        env.cr.execute(
            "SELECT COUNT(*) FROM crm_customer_assignment WHERE type = 'reclaim' AND partner_id BETWEEN %s AND %s",
            [first, last],
        )
        history = env.cr.fetchone()[0]
        env.cr.execute(
            "SELECT COUNT(*) FROM mail_message WHERE message_type = 'user_notification' AND subject LIKE %s",
            ["% went back to the public pool%"],
        )
        print(f"# history rows: {history}; notifications: {env.cr.fetchone()[0]} (one per salesperson)")
        with measure(env.cr, "set-based job, run 2 (nothing to return)") as run2:
            again = Partner._crm_pool_reclaim_batch(args.batch_size)[0]
        print(f"{run2}; {again} returned", flush=True)

        ratio = naive_total / run.seconds if run.seconds else float("inf")
        print(f"# naive ORM extrapolated to all customers: {naive_total:.1f} s; set-based: {run.seconds:.1f} s")
        print(f"# ratio: {ratio:.1f}x; target <= {TARGET_SECONDS} s")
        ok = run.seconds <= TARGET_SECONDS and returned == expected == history and not again
        print("# RESULT: " + ("PASS" if ok else "FAIL"), flush=True)
        if not args.commit:
            env.cr.rollback()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
