#!/usr/bin/env python3
"""Benchmark of the customer care jobs (crm_core_ext: crm.care.event and crm.care.rule).

    python3 tests/benchmarks/bench_care.py -d bench_care [--customers 100000] [--sample 300] \\
        [--regenerate] [--commit]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench care -d bench_care --customers 100000

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet (``generate_dataset``:
   ``--customers`` customers with one confirmed order each, dated over the last 365
   days), then extends it in bulk SQL: 20 salespeople spread over the customers, one
   contact per customer (care target, half of them with an e-mail address), a
   birthday for every contact, a company anniversary for 30 % of the customers and a
   wedding anniversary for 10 % of the contacts, a value model with levels A/B/C/D
   (25 % each), one note per customer dated over the last 365 days and customers
   created 400 days ago; or reuses it (system parameter ``crm_core_ext.bench_care_dataset``);
2. runs the event job (days ahead: 7, greetings on for birthdays) twice: the first run
   creates the activities and logs of the coming week and marks the greetings to send,
   the second finds nothing to do (idempotent); then the greetings job, batch after
   batch as the scheduler calls it (rendering a template is the host's per-record
   work, about 50 ms per e-mail); then the rule job ("level A customers not contacted for
   60 days") twice, the same way; timing each run and counting its SQL queries;
3. runs both the naive way, record by record through the ORM (next occurrence in
   Python, search of the log, ``mail.activity`` create, ``message_post_with_source``
   of the greeting; for the rule: ``search_count`` of messages and orders per
   customer, then an activity create) on ``--sample`` records, and extrapolates;
4. prints times, query counts and ratios; checks the target (each job, and each batch
   of greetings, <= 30 s).
Everything but the dataset is rolled back at the end unless ``--commit``.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import generate  # noqa: E402

PARAM = "crm_core_ext.bench_care_dataset"
TARGET_SECONDS = 30
SALESPEOPLE = 20


def get_parser():
    parser = bench_parser("Customer care jobs: set-based SQL vs record by record through the ORM")
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300, help="records handled the naive way")
    parser.add_argument("--greetings-batch", type=int, default=200, help="greetings rendered per call")
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    parser.add_argument("--commit", action="store_true", help="keep the activities, logs and e-mails")
    return parser


def extend_dataset(env, result):
    """Contacts, events, salespeople, value levels and notes for the generated customers (bulk SQL)."""
    company = env["res.company"].browse(result["company_id"])
    first, last = result["partner_ids"]
    cr = env.cr
    Users = env["res.users"].with_context(no_reset_password=True)
    users = Users.search([("login", "=like", "bench_care_salesman_%")], order="id")
    if len(users) < SALESPEOPLE:
        users |= Users.create(
            [
                {
                    "name": f"Bench Care Salesman {i}",
                    "login": f"bench_care_salesman_{i}",
                    "email": f"bench_care_salesman_{i}@example.com",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
                }
                for i in range(len(users), SALESPEOPLE)
            ]
        )
    model = env["crm.value.model"].search([("company_id", "=", company.id)], limit=1)
    if not model:
        model = env["crm.value.model"].create(
            {
                "name": "Bench value",
                "company_id": company.id,
                "level_ids": [
                    (0, 0, {"sequence": i, "code": code, "name": code, "min_score": 75 - 25 * i})
                    for i, code in enumerate("ABCD")
                ],
            }
        )
    levels = model.level_ids.sorted("sequence").ids
    env.flush_all()
    params = {
        "first": first,
        "last": last,
        "users": users.ids,
        "company": company.id,
        "cid": str(company.id),
        "levels": levels,
        "uid": env.uid,
        "birthday": env.ref("crm_core_ext.crm_care_event_type_birthday").id,
        "anniversary": env.ref("crm_core_ext.crm_care_event_type_company_anniversary").id,
        "wedding": env.ref("crm_core_ext.crm_care_event_type_wedding_anniversary").id,
        "note": env.ref("mail.mt_note").id,
    }
    cr.execute(
        """
        UPDATE res_partner p
           SET user_id = (%(users)s::int[])[1 + p.id %% array_length(%(users)s::int[], 1)],
               crm_care_target = TRUE,
               create_date = NOW() AT TIME ZONE 'UTC' - INTERVAL '400 days',
               crm_value_level_id = jsonb_build_object(%(cid)s,
                   (%(levels)s::int[])[1 + floor(random() * array_length(%(levels)s::int[], 1))::int])
         WHERE p.id BETWEEN %(first)s AND %(last)s;

        INSERT INTO res_partner (commercial_partner_id, parent_id, name, complete_name, active, is_company, type,
                                 customer_rank, supplier_rank, autopost_bills, lang, email, crm_care_target,
                                 create_uid, create_date, write_uid, write_date)
        SELECT p.id, p.id, 'Contact ' || p.id, p.name || ', Contact ' || p.id, TRUE, FALSE, 'contact',
               0, 0, 'ask', 'en_US', CASE WHEN random() < 0.5 THEN 'contact' || p.id || '@example.com' END, TRUE,
               %(uid)s, NOW() AT TIME ZONE 'UTC' - INTERVAL '400 days', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM res_partner p
         WHERE p.id BETWEEN %(first)s AND %(last)s;

        INSERT INTO crm_care_event (partner_id, commercial_partner_id, user_id, type_id, date, recurring,
                                    company_id, active, create_uid, create_date, write_uid, write_date)
        SELECT c.id, c.commercial_partner_id, cp.user_id, %(birthday)s,
               DATE '1960-01-01' + floor(random() * 14600)::int, TRUE, %(company)s, TRUE,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM res_partner c JOIN res_partner cp ON cp.id = c.commercial_partner_id
         WHERE c.parent_id BETWEEN %(first)s AND %(last)s
        UNION ALL
        SELECT c.id, c.commercial_partner_id, cp.user_id, %(wedding)s,
               DATE '1985-01-01' + floor(random() * 10000)::int, TRUE, %(company)s, TRUE,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM res_partner c JOIN res_partner cp ON cp.id = c.commercial_partner_id
         WHERE c.parent_id BETWEEN %(first)s AND %(last)s AND random() < 0.1
        UNION ALL
        SELECT p.id, p.id, p.user_id, %(anniversary)s,
               DATE '1990-01-01' + floor(random() * 10000)::int, TRUE, %(company)s, TRUE,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM res_partner p
         WHERE p.id BETWEEN %(first)s AND %(last)s AND random() < 0.3;

        INSERT INTO mail_message (model, res_id, record_name, message_type, subtype_id, body, date, author_id,
                                  create_uid, create_date, write_uid, write_date)
        SELECT 'res.partner', p.id, p.name, 'comment', %(note)s, '<p>Called the customer</p>',
               NOW() AT TIME ZONE 'UTC' - floor(random() * 365) * INTERVAL '1 day', NULL,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM res_partner p
         WHERE p.id BETWEEN %(first)s AND %(last)s;
        """,
        params,
    )
    for table in ("res_partner", "crm_care_event", "mail_message"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    env.invalidate_all()
    return result


def dataset(args):
    wanted = {"customers": args.customers, "care": 1}
    return ensure_dataset(
        args,
        PARAM,
        wanted,
        lambda env: extend_dataset(
            env, generate(env, args.customers, 0, 1, days=365, orders_per_customer=1, order_lines=1)
        ),
    )


def naive_events(env, company, events, today):
    """Event by event through the ORM."""
    Log = env["crm.care.log"]
    Activity = env["mail.activity"].with_context(mail_activity_quick_update=True)
    for event in events:
        next_date = event.next_date
        if not (today <= next_date <= today + timedelta(days=company.crm_care_days_ahead)):
            continue
        if not event.partner_id.crm_care_target or Log.search_count(
            [("event_id", "=", event.id), ("year", "=", next_date.year)]
        ):
            continue
        user = event.partner_id.commercial_partner_id.user_id
        activity = Activity.create(
            {
                "res_model_id": env["ir.model"]._get_id("res.partner"),
                "res_id": event.partner_id.id,
                "activity_type_id": event.type_id.activity_type_id.id,
                "summary": f"{event.type_id.name}: {event.partner_id.name}",
                "date_deadline": next_date,
                "user_id": user.id,
            }
        )
        Log.create(
            {
                "origin": "event",
                "event_id": event.id,
                "year": next_date.year,
                "partner_id": event.partner_id.id,
                "company_id": company.id,
                "user_id": user.id,
                "activity_id": activity.id,
            }
        )
        if event.type_id.send_mail and event.partner_id.email:
            event.partner_id.message_post_with_source(event.type_id.mail_template_id)
    env.flush_all()


def naive_rule(env, rule, customers, today):
    """Customer by customer through the ORM."""
    cutoff = today - timedelta(days=rule.days_without_contact)
    Message = env["mail.message"]
    Order = env["sale.order"]
    Activity = env["mail.activity"].with_context(mail_activity_quick_update=True)
    for customer in customers.with_company(rule.company_id):
        if customer.crm_value_level_id not in rule.value_level_ids:
            continue
        members = customer.child_ids | customer
        if Message.search_count(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", members.ids),
                ("message_type", "in", ["comment", "email"]),
                ("date", ">=", cutoff),
            ]
        ) or Order.search_count([("partner_id", "in", members.ids), ("date_order", ">=", cutoff)]):
            continue
        if Activity.search_count([("crm_care_rule_id", "=", rule.id), ("res_id", "=", customer.id)]):
            continue
        Activity.create(
            {
                "res_model_id": env["ir.model"]._get_id("res.partner"),
                "res_id": customer.id,
                "activity_type_id": rule.activity_type_id.id,
                "summary": rule.name,
                "date_deadline": today + timedelta(days=rule.deadline_days),
                "user_id": customer.user_id.id,
                "crm_care_rule_id": rule.id,
            }
        )
    env.flush_all()


def prepare(env, info):
    """Settings of the run and the benchmark's rule, in the transaction of ``env``."""
    company = env["res.company"].browse(info["company_id"])
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    company.crm_care_days_ahead = 7
    env.ref("crm_core_ext.crm_care_event_type_birthday").send_mail = True
    levels = env["crm.value.model"].search([("company_id", "=", company.id)], limit=1).level_ids
    rule = env["crm.care.rule"].create(
        {
            "name": "Level A not contacted for 60 days",
            "company_id": company.id,
            "value_level_ids": [(6, 0, levels.filtered(lambda level: level.code == "A").ids)],
            "days_without_contact": 60,
        }
    )
    return env, company, rule


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    results = {}
    first, last = info["partner_ids"]
    # naive first, on samples, in a transaction of its own that is rolled back (a savepoint
    # would leave the rows of a rolled back subtransaction that slow down the next runs)
    with open_env(args, commit=False) as env:
        env, company, rule = prepare(env, info)
        today = env.cr.now().date()
        sample_events = env["crm.care.event"].search([("company_id", "=", company.id)], limit=args.sample * 20)
        sample_events = sample_events.filtered(lambda e: e.next_date <= today + timedelta(days=7))[: args.sample]
        sample_customers = env["res.partner"].browse(range(first, first + args.sample))
        with measure(env.cr, f"naive ORM events, {len(sample_events)} due events") as naive_e:
            naive_events(env, company, sample_events, today)
        with measure(env.cr, f"naive ORM rule, {len(sample_customers)} customers") as naive_r:
            naive_rule(env, rule, sample_customers, today)
        print(naive_e, flush=True)
        print(naive_r, flush=True)

    with open_env(args, commit=args.commit) as env:
        env, company, rule = prepare(env, info)
        env.cr.execute("SELECT COUNT(*) FROM crm_care_event WHERE company_id = %s", [company.id])
        events_count = env.cr.fetchone()[0]
        print(f"# {last - first + 1} customers, {events_count} care events in the company", flush=True)
        Event = env["crm.care.event"]

        for run in (1, 2):
            with measure(env.cr, f"set-based event job, run {run}") as m:
                created = Event._cron_create_care_activities()
            pending = env["crm.care.log"].search_count([("mail_status", "=", "pending")])
            print(f"{m}; {created} activities created, {pending} greetings to send", flush=True)
            results[f"events{run}"] = (m, created)
        # greetings: the scheduler calls their job again at once while greetings remain
        greeting_batches = []
        with measure(env.cr, "greetings job, all batches") as greetings:
            while True:
                with measure(env.cr, "greetings batch") as batch:
                    sent, remaining = env["crm.care.log"]._cron_send_greetings(batch_size=args.greetings_batch)
                greeting_batches.append(batch)
                if not sent or not remaining:
                    break
        sent_total = env["crm.care.log"].search_count([("mail_status", "=", "queued")])
        slowest = max(greeting_batches, key=lambda b: b.seconds)
        print(
            f"{greetings}; {sent_total} greetings queued in {len(greeting_batches)} batch(es) of "
            f"{args.greetings_batch}, slowest batch {slowest.seconds:.2f} s ({slowest.queries} queries)",
            flush=True,
        )
        for run in (1, 2):
            with measure(env.cr, f"set-based rule job, run {run}") as m:
                created = rule._run()
            print(f"{m}; {created} activities created", flush=True)
            results[f"rule{run}"] = (m, created)

        due_events = results["events1"][1]
        naive_events_total = naive_e.seconds * due_events / max(len(sample_events), 1)
        naive_rule_total = naive_r.seconds * (last - first + 1) / max(len(sample_customers), 1)
        events_s = results["events1"][0].seconds
        rule_s = results["rule1"][0].seconds
        print(
            f"# event job: {events_s:.1f} s for {due_events} due events; naive ORM extrapolated "
            f"{naive_events_total:.1f} s (ratio {naive_events_total / events_s:.1f}x)"
        )
        print(
            f"# rule job: {rule_s:.1f} s over {last - first + 1} customers ({results['rule1'][1]} activities); "
            f"naive ORM extrapolated {naive_rule_total:.1f} s (ratio {naive_rule_total / rule_s:.1f}x)"
        )
        print(f"# target: each job <= {TARGET_SECONDS} s; second runs create nothing")
        print(
            f"# greetings: {greetings.seconds:.1f} s for {sent_total} e-mails rendered by the host's templates, "
            f"in batches of at most {slowest.seconds:.1f} s"
        )
        ok = (
            max(events_s, rule_s, results["events2"][0].seconds, results["rule2"][0].seconds, slowest.seconds)
            <= TARGET_SECONDS
            and results["events2"][1] == 0
            and results["rule2"][1] == 0
        )
        print("# RESULT: " + ("PASS" if ok else "FAIL"), flush=True)
        if not args.commit:
            env.cr.rollback()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
