#!/usr/bin/env python3
"""Benchmark of the competitor win/loss analysis and of the opportunity hook (crm_core_ext).

    python3 tests/benchmarks/bench_competitor.py -d bench_competitor [--leads 200000] \\
        [--competitors 20] [--salespeople 20] [--stage-writes 200] [--regenerate]

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet, set-based in SQL
   (``--leads`` opportunities of ``--salespeople`` salespeople: 40% won, 40% lost
   with a lost reason, half of those lost to a competitor, 20% open; two
   competitors of ``--competitors`` on each, with a competing product), or reuses
   it (recorded in the system parameter ``crm_core_ext.bench_competitor_dataset``);
2. times the pivot of *Win/Loss by Competitor* (won, lost, win rate, lost revenue)
   grouped by competitor, by salesperson and by our product, as an administrator
   and as a salesperson (record rules on), against the host's own pipeline pivot
   (``crm.lead`` closed opportunities by salesperson, expected revenue) on the same
   opportunities, for information; the targets are absolute (see the constants);
3. moves ``--stage-writes`` open opportunities to the won stage one by one through
   ``write``, alternating one with this module's ``crm.lead.write`` override and
   one that skips it (the next ``write`` in the class's MRO), and prints time,
   queries and their ratio.
Everything but the dataset is rolled back.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402

PARAM = "crm_core_ext.bench_competitor_dataset"
# The analysis joins every competitor line (two per opportunity here) with its opportunity: it reads three
# times the rows of the host's pivot on the opportunities alone and pays a hash join. Budget: two seconds for
# the whole base at the default size, a fifth of a second for one salesperson's opportunities.
TARGET_PIVOT_SECONDS = 2.0
TARGET_PIVOT_USER_SECONDS = 0.2
TARGET_WRITE_RATIO = 1.10


def get_parser():
    parser = bench_parser("Win/loss analysis by competitor and the opportunity write hook")
    parser.description = __doc__
    parser.add_argument("--leads", type=int, default=200000)
    parser.add_argument("--competitors", type=int, default=20)
    parser.add_argument("--salespeople", type=int, default=20)
    parser.add_argument(
        "--stage-writes", type=int, default=200, help="opportunities won with the hook, as many without"
    )
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    return parser


def build(env, args):
    cr = env.cr
    company = env.ref("base.main_company")
    cr.execute("SELECT COUNT(*) FROM res_users WHERE login LIKE 'bench_cmp_%%_1'")
    prefix = f"CMPB{cr.fetchone()[0] + 1}"
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"{prefix} salesperson {i}",
                    "login": f"bench_cmp_{prefix.lower()}_{i}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
                }
                for i in range(1, args.salespeople + 1)
            ]
        )
    )
    competitors = env["res.partner"].create(
        [{"name": f"{prefix} 对手 {i}", "is_company": True, "crm_is_competitor": True} for i in range(args.competitors)]
    )
    our_products = env["product.product"].create(
        [{"name": f"{prefix} product {i}", "list_price": 100.0 + i} for i in range(args.competitors)]
    )
    products = env["crm.competitor.product"].create(
        [
            {"competitor_id": c.id, "name": f"{c.name} P", "product_id": p.id, "price": 90.0, "company_id": company.id}
            for c, p in zip(competitors, our_products, strict=True)
        ]
    )
    reason = env["crm.lost.reason"].create({"name": f"{prefix} price"})
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    open_stage = env["crm.stage"].search([("is_won", "=", False)], order="sequence", limit=1)
    env.flush_all()
    params = {
        "n": args.leads,
        "prefix": prefix,
        "company": company.id,
        "users": users.ids,
        "competitors": competitors.ids,
        "products": products.ids,
        "c": len(competitors),
        "reason": reason.id,
        "won": won_stage.id,
        "open": open_stage.id,
        "uid": env.uid,
    }
    start = time.perf_counter()
    cr.execute(
        """
        CREATE TEMP TABLE bench_lead ON COMMIT DROP AS
        SELECT nextval('crm_lead_id_seq') AS id, g AS n,
               CASE WHEN g %% 5 IN (0, 1) THEN 'won' WHEN g %% 5 IN (2, 3) THEN 'lost' ELSE 'open' END AS result
          FROM generate_series(1, %(n)s) g;
        INSERT INTO crm_lead (id, name, type, active, stage_id, user_id, company_id, expected_revenue, probability,
                              date_closed, lost_reason_id, priority, create_uid, create_date, write_uid, write_date)
        SELECT id, %(prefix)s || ' opportunity ' || n, 'opportunity', result <> 'lost',
               CASE WHEN result = 'won' THEN %(won)s ELSE %(open)s END,
               (%(users)s::int[])[1 + (n / 5) %% array_length(%(users)s::int[], 1)], %(company)s,
               1000 + (n %% 97) * 100, CASE result WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 30 END,
               CASE WHEN result <> 'open' THEN NOW() AT TIME ZONE 'UTC' - (n %% 365) * INTERVAL '1 day' END,
               CASE WHEN result = 'lost' THEN %(reason)s END, '1',
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_lead;
        INSERT INTO crm_lead_competitor (lead_id, competitor_id, competitor_product_id, company_id, user_id,
                                         threat_level, sequence, offered_price, is_winner,
                                         create_uid, create_date, write_uid, write_date)
        SELECT b.id, (%(competitors)s::int[])[1 + k.i], (%(products)s::int[])[1 + k.i], %(company)s, l.user_id,
               'medium', 10, 900, b.result = 'lost' AND b.n %% 2 = 0 AND k.first,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_lead b
          JOIN crm_lead l ON l.id = b.id
         CROSS JOIN LATERAL (VALUES (b.n %% %(c)s, TRUE),
                                    ((b.n + 1 + (b.n / %(c)s) %% (%(c)s - 1)) %% %(c)s, FALSE)) AS k(i, first);
        UPDATE crm_lead l SET crm_lost_to_competitor_id = lc.competitor_id
          FROM crm_lead_competitor lc WHERE lc.lead_id = l.id AND lc.is_winner;
        ANALYZE crm_lead; ANALYZE crm_lead_competitor;
        """,
        params,
    )
    print(f"# {args.leads} opportunities, {2 * args.leads} competitor lines in {time.perf_counter() - start:.1f} s")
    return {"prefix": prefix, "partner_ids": [competitors[0].id, competitors[-1].id], "company_id": company.id}


def main():
    args = get_parser().parse_args()
    wanted = {"leads": args.leads, "competitors": args.competitors, "salespeople": args.salespeople}
    info = ensure_dataset(args, PARAM, wanted, lambda env: build(env, args))
    first, last = info["partner_ids"]
    competitor_ids = list(range(first, last + 1))
    with open_env(args, commit=False) as env:
        info["user_ids"] = env["res.users"].search([("login", "=like", f"bench_cmp_{info['prefix'].lower()}_%")]).ids
        Report = env["crm.competitor.report"]
        env.cr.execute(
            "SELECT user_id FROM crm_lead_competitor WHERE competitor_id = %s AND user_id IS NOT NULL LIMIT 1", [first]
        )
        salesman = env["res.users"].browse(env.cr.fetchone()[0])
        domain = [("competitor_id", "in", competitor_ids)]
        measures = ["won_count:sum", "lost_count:sum", "win_rate:avg", "lost_revenue:sum", "lost_to_revenue:sum"]
        results = {}

        def pivot(label, model, groupby, aggregates, dom):
            for __ in range(2):  # warm up
                model._read_group(dom, groupby, aggregates)
            runs = []
            for __ in range(3):
                with measure(env.cr, label) as m:
                    rows = model._read_group(dom, groupby, aggregates)
                runs.append(m)
            best = min(runs, key=lambda m: m.seconds)
            results[label] = (best, len(rows))
            return rows

        rows = pivot("win/loss by competitor (admin)", Report, ["competitor_id"], measures, domain)
        pivot("win/loss by salesperson (admin)", Report, ["user_id"], measures, domain)
        pivot("win/loss by our product (admin)", Report, ["product_id"], measures, domain)
        pivot(
            "win/loss by competitor (salesperson, rules on)",
            Report.with_user(salesman),
            ["competitor_id"],
            measures,
            domain,
        )
        pivot(
            "host pipeline pivot: closed opportunities by salesperson",
            env["crm.lead"].with_context(active_test=False),
            ["user_id"],
            ["expected_revenue:sum", "__count"],
            [("user_id", "in", info["user_ids"]), ("date_closed", "!=", False)],
        )
        won = sum(r[1] for r in rows)
        lost = sum(r[2] for r in rows)

        # the write hook: won opportunities, with and without this module's override
        from odoo.addons.crm_core_ext.models.crm_lead_competition import CrmLead as Ours  # noqa: PLC0415

        won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
        leads = env["crm.lead"].search(
            [("user_id", "in", info["user_ids"]), ("active", "=", True), ("stage_id.is_won", "=", False)],
            limit=2 * args.stage_writes + 6,
        )
        leads.mapped("stage_id")

        def write(lead, hook):
            with measure(env.cr) as m:
                if hook:
                    lead.write({"stage_id": won_stage.id})
                else:
                    super(Ours, lead).write({"stage_id": won_stage.id})
            return m

        for i in range(3):  # warm up
            write(leads[2 * i], True)
            write(leads[2 * i + 1], False)
        on = off = None
        t_on = t_off = 0.0
        q_on = q_off = 0
        for i in range(3, 3 + args.stage_writes):
            on = write(leads[2 * i], True)
            off = write(leads[2 * i + 1], False)
            t_on += on.seconds
            t_off += off.seconds
            q_on += on.queries
            q_off += off.queries

    print(f"dataset: {info['prefix']}, competitors {first}..{last}")
    print(f"closed opportunity x competitor rows of the dataset: {won} won, {lost} lost")
    for label, (m, count) in results.items():
        print(f"{label}: {m.seconds * 1000:.0f} ms, {m.queries} queries, {count} groups")
    base = results["host pipeline pivot: closed opportunities by salesperson"][0].seconds
    admin = results["win/loss by competitor (admin)"][0].seconds
    user = results["win/loss by competitor (salesperson, rules on)"][0].seconds
    ratio = admin / base if base else float("nan")
    print(
        f"win/loss by competitor: {admin:.2f} s for the whole base (target <= {TARGET_PIVOT_SECONDS} s), "
        f"{user:.2f} s for one salesperson (target <= {TARGET_PIVOT_USER_SECONDS} s); "
        f"ratio to the host pipeline pivot: {ratio:.2f}"
    )
    n = args.stage_writes
    write_ratio = t_on / t_off if t_off else float("nan")
    print(
        f"stage write to won, {n} each: with hook {t_on * 1000 / n:.2f} ms, {q_on / n:.1f} queries; "
        f"without {t_off * 1000 / n:.2f} ms, {q_off / n:.1f} queries; ratio {write_ratio:.3f} "
        f"(target <= {TARGET_WRITE_RATIO})"
    )
    ok = admin <= TARGET_PIVOT_SECONDS and user <= TARGET_PIVOT_USER_SECONDS and write_ratio <= TARGET_WRITE_RATIO
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
