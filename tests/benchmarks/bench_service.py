#!/usr/bin/env python3
"""Benchmarks of the service desk (crm_service_desk).

    python3 tests/benchmarks/bench_service.py -d bench_service [--create 10000] [--batch 500] \\
        [--open 100000] [--agents 20] [--commit]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench service -d bench_service

Not part of the test suite. It
1. creates ``--create`` requests in batches of ``--batch`` through the ORM twice on
   the same data: once with routing rules (5 rules), round-robin and least-loaded
   queues and SLA targets on a working calendar, once with all of that switched
   off but the queue and assignee that routing chose given in the values, so that
   both sides have the same mail behaviour (assignees subscribed and notified, one
   notice per assignee and batch); prints both times, query counts and the ratio
   (target <= 1.5);
2. inserts ``--open`` open requests set-based (bulk SQL) spread over the agents,
   queues and deadlines (about 2 % past their response warning, 1 % past their
   resolution deadline), then runs the breach/escalation job
   (``crm.service.request._cron_escalate``, three levels) and prints its time and
   query count (target <= 10 s);
3. times the agents' default request list (the menu action's default filters, my
   open requests: ``web_search_read`` of the list's fields, 80 rows, with the count)
   as one agent over those requests (target <= 300 ms server time, best of 5);
   ``--explain`` prints the query plans.
Everything is rolled back at the end unless ``--commit``.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

TARGET_RATIO = 1.5
TARGET_JOB_SECONDS = 10
TARGET_LIST_MS = 300


def get_parser():
    parser = bench_parser("Service desk: request creation with routing/SLA, escalation job, request list")
    parser.description = __doc__
    parser.set_defaults(modules="crm_service_desk")
    parser.add_argument("--create", type=int, default=10_000, help="requests created through the ORM per run")
    parser.add_argument("--batch", type=int, default=500, help="requests per create() call")
    parser.add_argument("--open", type=int, default=100_000, help="open requests inserted for the job and the list")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--commit", action="store_true", help="keep the generated requests")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the request list")
    return parser


def setup(env, agents_count):
    from odoo import Command  # noqa: PLC0415

    company = env.ref("base.main_company")
    group = env.ref("crm_service_desk.crm_service_desk_group_user")
    stamp = int(time.time())
    agents = env["res.users"].create(
        [
            {"name": f"Bench agent {i}", "login": f"bench_agent_{stamp}_{i}", "groups_id": [Command.set(group.ids)]}
            for i in range(agents_count)
        ]
    )
    calendar = company.resource_calendar_id
    Queue = env["crm.service.queue"]
    half = agents_count // 2
    queues = Queue.create(
        [
            {"name": "Bench RR", "member_ids": [Command.set(agents[:half].ids)], "assignment_method": "round_robin"},
            {"name": "Bench LL", "member_ids": [Command.set(agents[half:].ids)], "assignment_method": "least_loaded"},
            {"name": "Bench hotline", "member_ids": [Command.set(agents.ids)], "assignment_method": "manual"},
        ]
    )
    for queue in queues:
        queue.calendar_id = calendar
    env["crm.service.sla"].create(
        [
            {"queue_id": q.id, "priority": p, "response_hours": 2 + i, "resolution_hours": 16 + 4 * i}
            for q in queues
            for i, p in enumerate(["0", "1", "2", "3"])
        ]
    )
    states = env["res.country.state"].search([("country_id.code", "=", "CN")], limit=6)
    categ = env["product.category"].create({"name": "Bench trucks"})
    rules = env["crm.service.routing.rule"].create(
        [
            {"name": "urgent", "sequence": 1, "priority": "3", "queue_id": queues[1].id},
            {"name": "complaints", "sequence": 2, "request_type": "complaint", "queue_id": queues[2].id},
            {"name": "trucks", "sequence": 3, "product_categ_id": categ.id, "queue_id": queues[0].id},
            {"name": "east", "sequence": 4, "state_ids": [Command.set(states[:3].ids)], "queue_id": queues[0].id},
            {"name": "rest", "sequence": 5, "queue_id": queues[1].id},
        ]
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Bench customer {i}", "is_company": True, "state_id": states[i % len(states)].id}
            for i in range(200)
        ]
    )
    products = env["product.product"].create([{"name": f"Bench truck {i}", "categ_id": categ.id} for i in range(5)])
    return company, agents, queues, rules, partners, products


def creation_vals(count, partners, products):
    types = ["repair", "complaint", "inquiry", "maintenance"]
    return [
        {
            "name": f"Bench request {i}",
            "partner_id": partners[i % len(partners)].id,
            "product_id": products[i % len(products)].id if i % 3 else False,
            "request_type": types[i % len(types)],
            "priority": str(i % 4),
        }
        for i in range(count)
    ]


def run_creation(env, args, vals, label):
    Request = env["crm.service.request"]
    created = Request
    with measure(env.cr, label) as m:
        for start in range(0, len(vals), args.batch):
            created |= Request.create(vals[start : start + args.batch])
        env.flush_all()
    return m, created


def insert_open_requests(env, count, company, agents, queues, partners):
    cr = env.cr
    cr.execute(
        """
        INSERT INTO crm_service_request
               (name, reference, company_id, request_type, priority, source, state, active,
                partner_id, commercial_partner_id, queue_id, user_id, sla_start_date,
                response_deadline, resolution_deadline, response_breached, resolution_breached,
                paused_hours, create_date, write_date, create_uid, write_uid)
        SELECT 'Bulk request ' || g, 'BULK-' || g, %(company)s,
               (ARRAY['repair','complaint','inquiry','maintenance'])[1 + g %% 4],
               (g %% 4)::text, 'backoffice',
               (ARRAY['new','assigned','in_progress','waiting'])[1 + g %% 4], TRUE,
               p.ids[1 + g %% array_length(p.ids, 1)], p.ids[1 + g %% array_length(p.ids, 1)],
               q.ids[1 + g %% array_length(q.ids, 1)],
               CASE WHEN g %% 4 = 0 THEN NULL ELSE u.ids[1 + g %% array_length(u.ids, 1)] END,
               now() at time zone 'utc' - interval '2 days',
               -- 2 %% within an hour of the response deadline or past it, the rest far ahead
               now() at time zone 'utc' + CASE WHEN g %% 50 = 0 THEN interval '30 minutes' ELSE interval '20 days' END,
               now() at time zone 'utc' + CASE WHEN g %% 100 = 1 THEN interval '-3 hours' ELSE interval '30 days' END,
               FALSE, FALSE, 0,
               now() at time zone 'utc' - interval '2 days', now() at time zone 'utc', 1, 1
          FROM generate_series(1, %(count)s) g,
               (SELECT array_agg(id) ids FROM res_partner WHERE id IN %(partners)s) p,
               (SELECT array_agg(id) ids FROM crm_service_queue WHERE id IN %(queues)s) q,
               (SELECT array_agg(id) ids FROM res_users WHERE id IN %(agents)s) u
        """,
        {
            "company": company.id,
            "count": count,
            "partners": tuple(partners.ids),
            "queues": tuple(queues.ids),
            "agents": tuple(agents.ids),
        },
    )
    cr.execute("ANALYZE crm_service_request")


def default_list_domain(env, user):
    """The domain of the request menu's default filters (the action's search_default_* in its
    search view), as the web client builds it for ``user``."""
    from lxml import etree  # noqa: PLC0415

    from odoo.tools.safe_eval import safe_eval  # noqa: PLC0415

    action = env.ref("crm_service_desk.crm_service_request_action")
    context = safe_eval(action.context, {"uid": user.id})
    names = [key[len("search_default_") :] for key, value in context.items() if key.startswith("search_default_")]
    arch = etree.fromstring(action.search_view_id.arch)
    domain = safe_eval(action.domain or "[]", {"uid": user.id})
    for name in names:
        node = arch.find(f".//filter[@name='{name}']")
        domain += safe_eval(node.get("domain"), {"uid": user.id})
    return domain


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=args.commit) as env:
        company, agents, queues, rules, partners, products = setup(env, args.agents)
        slas = env["crm.service.sla"].search([("queue_id", "in", queues.ids)])
        env.flush_all()
        # warm up (sequences, calendars, caches)
        env["crm.service.request"].create(creation_vals(20, partners, products))
        vals = creation_vals(args.create, partners, products)
        with_feature, created = run_creation(
            env, args, vals, f"create {args.create} with routing+SLA (rules, round robin/least loaded, SLA deadlines)"
        )
        # The same creation without the feature: the queue and the assignee that routing
        # chose are given in the values, so that both sides subscribe and notify the same
        # assignees (mail.thread behaviour unchanged); no rule, no assignment method, no SLA.
        assigned = {
            request.name: {"queue_id": request.queue_id.id, "user_id": request.user_id.id} for request in created
        }
        plain_vals = [dict(v, **assigned[v["name"]]) for v in vals]
        notified = len(created.filtered("user_id"))
        rules.active = False
        slas.active = False
        queues.assignment_method = "manual"
        env.flush_all()
        without, _created = run_creation(
            env, args, plain_vals, f"create {args.create} without routing/SLA (same queue+assignee given, no SLA)"
        )
        ratio = with_feature.seconds / without.seconds
        print(with_feature)
        print(without)
        print(
            f"both sides: batches of {args.batch}, {notified} requests with an assignee, who is subscribed and "
            "notified (one notice per assignee and batch)"
        )
        print(f"creation ratio: {ratio:.2f} (target <= {TARGET_RATIO})")
        rules.active = True
        slas.active = True

        # escalation job over many open requests
        env["crm.service.request"].search([("name", "=like", "Bench request %")]).action_cancel()
        env["crm.service.escalation.level"].create(
            [
                {
                    "name": "warn",
                    "sequence": 1,
                    "deadline": "response",
                    "offset_hours": -1,
                    "action": "notify_assignee",
                },
                {
                    "name": "reassign",
                    "sequence": 2,
                    "deadline": "resolution",
                    "action": "reassign",
                    "user_id": agents[0].id,
                },
                {
                    "name": "manager",
                    "sequence": 3,
                    "deadline": "resolution",
                    "offset_hours": 2,
                    "action": "notify_manager",
                },
            ]
        )
        queues.manager_id = agents[-1]
        env.flush_all()
        insert_open_requests(env, args.open, company, agents, queues, partners)
        env.invalidate_all()
        with measure(env.cr, f"escalation job over {args.open} open requests") as job:
            env["crm.service.request"]._cron_escalate()
            env.flush_all()
        applied = env["crm.service.escalation.log"].search_count(
            [("level_id.name", "in", ("warn", "reassign", "manager"))]
        )
        print(f"{job} ({applied} escalations applied) (target <= {TARGET_JOB_SECONDS} s)")

        # the agents' default list
        agent = agents[1]
        Request = env["crm.service.request"].with_user(agent).with_context(lang="en_US")
        view = env.ref("crm_service_desk.crm_service_request_view_list")
        spec = {
            name: {}
            for name in ("priority", "reference", "name", "request_type", "resolution_deadline", "state", "is_late")
        }
        spec.update({f: {"fields": {"display_name": {}}} for f in ("partner_id", "product_id", "queue_id", "user_id")})
        domain = default_list_domain(env, agent)
        best = None
        for _i in range(5):
            env.invalidate_all()
            with measure(env.cr, "request list (my open requests)") as lst:
                result = Request.web_search_read(domain, spec, limit=80, count_limit=10001)
            best = lst if best is None or lst.seconds < best.seconds else best
        print(
            f"{best} -> {result['length']} requests, {len(result['records'])} shown; best of 5: "
            f"{best.seconds * 1000:.0f} ms (target <= {TARGET_LIST_MS} ms); list view {view.name}, domain {domain}"
        )
        if args.explain:
            from odoo.tools import SQL  # noqa: PLC0415

            query = Request._search(domain, limit=80, order=Request._order)
            for label, sql in (("list", query.select()), ("count", Request._search(domain, limit=10001).select())):
                env.cr.execute(SQL("EXPLAIN ANALYZE %s", sql))
                print(f"-- {label}:\n" + "\n".join(row[0] for row in env.cr.fetchall()))
        ok = ratio <= TARGET_RATIO and job.seconds <= TARGET_JOB_SECONDS and best.seconds * 1000 <= TARGET_LIST_MS
        print("targets met" if ok else "TARGETS MISSED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
