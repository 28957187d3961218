#!/usr/bin/env python3
"""Benchmark of the medical representatives' visit plan compliance (crm_industry_pharma).

    python3 tests/benchmarks/bench_medrep.py -d bench_medrep [--reps 200] [--doctors 100] \\
        [--months 12] [--visits 3] [--sample 200]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench medrep -d bench_medrep

Not part of the test suite. In one transaction that is rolled back at the end it
1. creates ``--reps`` medical representatives (users of the group), 50
   hospitals, ``--doctors`` doctors per representative (classes A/B/C in turn)
   and, per doctor and month of the last ``--months`` months, ``--visits``
   visits (done, but one in six still planned and one in ten cancelled), written
   in bulk through SQL;
2. creates a visit plan for the latest month for every representative with a
   line per doctor (target from the class);
3. reads the compliance analysis as the pivot does (``read_group`` by
   representative, then by representative and doctor class), and the plans'
   totals through the ORM (``target_total``, ``done_total``, ``compliance`` of
   every plan, the list view) and one plan's lines (its form), timed with
   their SQL queries;
4. computes the same done counts the naive way, line by line through the ORM
   (``search_count`` on the doctor's visits of the month), on ``--sample``
   lines, extrapolates to all lines, checks both ways agree and prints the ratio.
The database is created (crm_industry_pharma, no demo data) when missing.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

TARGET_PIVOT_SECONDS = 2
TARGET_RATIO = 10


def get_parser():
    parser = bench_parser("Visit plan compliance: grouped SQL vs line by line through the ORM")
    parser.description = __doc__
    parser.set_defaults(modules="crm_industry_pharma")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--doctors", type=int, default=100, help="doctors per representative")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--visits", type=int, default=3, help="visits per doctor and month")
    parser.add_argument("--sample", type=int, default=200, help="plan lines counted the naive way")
    return parser


def build(env, args):
    company = env.company
    group = env.ref("crm_industry_pharma.crm_industry_pharma_group_medrep")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, tracking_disable=True)
        .create(
            [
                {"name": f"Bench 代表 {i:04d}", "login": f"bench_medrep_{i:04d}", "groups_id": [(6, 0, group.ids)]}
                for i in range(args.reps)
            ]
        )
    )
    hospitals = env["res.partner"].create(
        [
            {"name": f"Bench 医院 {i:03d}", "is_company": True, "crm_pharma_institution_type": "hospital"}
            for i in range(50)
        ]
    )
    classes = env["crm.pharma.doctor.class"].create(
        [{"name": f"Bench {c}", "visits_per_month": n} for c, n in (("A", 4), ("B", 2), ("C", 1))]
    )
    env.flush_all()
    cr = env.cr
    cr.execute(
        """
        INSERT INTO crm_pharma_doctor (name, active, company_id, hospital_id, institution_type, class_id,
                                       representative_id, influence, create_uid, write_uid, create_date, write_date)
        SELECT 'Bench 医生 ' || u.idx || '-' || d, TRUE, %(company)s,
               (%(hospitals)s)[1 + (u.idx * 7 + d) %% 50], 'hospital', (%(classes)s)[1 + d %% 3],
               u.id, 'medium', 1, 1, now(), now()
          FROM unnest(%(users)s) WITH ORDINALITY AS u(id, idx), generate_series(1, %(doctors)s) d
        """,
        {
            "company": company.id,
            "hospitals": hospitals.ids,
            "classes": classes.ids,
            "users": users.ids,
            "doctors": args.doctors,
        },
    )
    cr.execute(
        """
        INSERT INTO crm_pharma_visit (name, company_id, representative_id, doctor_id, hospital_id, class_id,
                                      date, duration, visit_date, state,
                                      create_uid, write_uid, create_date, write_date)
        SELECT doc.name, doc.company_id, doc.representative_id, doc.id, doc.hospital_id, doc.class_id,
               day + interval '2 hours', 0.5, day,
               CASE WHEN (doc.id + m + k) %% 10 = 0 THEN 'cancelled'
                    WHEN (doc.id + m + k) %% 6 = 0 THEN 'planned' ELSE 'done' END,
               1, 1, now(), now()
          FROM crm_pharma_doctor doc
         CROSS JOIN generate_series(0, %(months)s - 1) m
         CROSS JOIN generate_series(1, %(visits)s) k
         CROSS JOIN LATERAL (SELECT (date_trunc('month', now()) - m * interval '1 month'
                                     + ((doc.id + k * 7) %% 27) * interval '1 day')::date AS day) dd
         WHERE doc.representative_id = ANY(%(users)s)
        """,
        {"months": args.months, "visits": args.visits, "users": users.ids},
    )
    n_visits = cr.rowcount
    month = env["crm.pharma.visit.plan"]._fields["date_start"].default(env["crm.pharma.visit.plan"])
    plans = env["crm.pharma.visit.plan"].create(
        [{"representative_id": user.id, "date_start": month, "company_id": company.id} for user in users]
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO crm_pharma_visit_plan_line (plan_id, company_id, representative_id, date_start, doctor_id,
                                                class_id, target_visits, create_uid, write_uid, create_date,
                                                write_date)
        SELECT p.id, p.company_id, p.representative_id, p.date_start, doc.id, doc.class_id, c.visits_per_month,
               1, 1, now(), now()
          FROM crm_pharma_visit_plan p
          JOIN crm_pharma_doctor doc ON doc.representative_id = p.representative_id
          JOIN crm_pharma_doctor_class c ON c.id = doc.class_id
         WHERE p.id = ANY(%(plans)s)
        """,
        {"plans": plans.ids},
    )
    n_lines = cr.rowcount
    cr.execute("ANALYZE crm_pharma_visit; ANALYZE crm_pharma_visit_plan_line; ANALYZE crm_pharma_doctor")
    env.invalidate_all()
    return users, plans, n_visits, n_lines


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=False) as env:
        start = time.perf_counter()
        users, plans, n_visits, n_lines = build(env, args)
        print(
            f"# {len(users)} representatives, {len(users) * args.doctors} doctors, {n_visits} visits over "
            f"{args.months} months, {len(plans)} plans with {n_lines} lines (built in "
            f"{time.perf_counter() - start:.1f} s)",
            flush=True,
        )
        Report = env["crm.pharma.visit.compliance"]
        domain = [("plan_id", "in", plans.ids)]
        pivots = []
        for groupby in (["representative_id"], ["representative_id", "class_id"]):
            for run in (1, 2):
                env.invalidate_all()
                with measure(env.cr, f"pivot by {' and '.join(groupby)}, run {run}") as m:
                    groups = Report.read_group(
                        domain, ["target_visits:sum", "done_visits:sum", "compliance:avg"], groupby, lazy=False
                    )
                pivots.append(m)
                print(f"{m} ({len(groups)} groups)", flush=True)
        for run in (1, 2):
            env.invalidate_all()
            with measure(env.cr, f"totals of the {len(plans)} plans (ORM), run {run}") as totals:
                done_total = sum(plan.done_total for plan in env["crm.pharma.visit.plan"].browse(plans.ids))
            print(totals, flush=True)

        # one plan's form: its lines' counts
        for run in (1, 2):
            env.invalidate_all()
            plan = env["crm.pharma.visit.plan"].browse(plans[:1].ids)
            with measure(env.cr, f"one plan's {args.doctors} lines (form), run {run}") as form:
                sum(line.done_visits for line in plan.line_ids)
            print(form, flush=True)

        # the naive way: one count per line
        lines = env["crm.pharma.visit.plan.line"].search([("plan_id", "in", plans.ids)], limit=args.sample)
        env.invalidate_all()
        Visit = env["crm.pharma.visit"]
        with measure(env.cr, f"naive counts of {len(lines)} lines") as naive:
            naive_done = {
                line.id: Visit.search_count(
                    [
                        ("doctor_id", "=", line.doctor_id.id),
                        ("representative_id", "=", line.plan_id.representative_id.id),
                        ("visit_date", ">=", line.plan_id.date_start),
                        ("visit_date", "<=", line.plan_id.date_end),
                        ("state", "=", "done"),
                    ]
                )
                for line in lines
            }
        print(naive, flush=True)
        mismatches = [line.id for line in lines if line.done_visits != naive_done[line.id]]
        naive_all = naive.seconds * n_lines / max(len(lines), 1)
        best_totals = totals.seconds
        ratio = naive_all / best_totals if best_totals else float("inf")
        best_pivot = min(m.seconds for m in pivots[:2])
        print(
            f"RESULT plan totals (all {n_lines} lines, {done_total} visits done): {best_totals:.2f} s, "
            f"{totals.queries} queries; naive extrapolated {naive_all:.2f} s, about "
            f"{naive.queries / max(len(lines), 1):.1f} queries per line; ratio {ratio:.0f}x "
            f"(target >= {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'missed'}); pivot by representative "
            f"{best_pivot:.2f} s (target <= {TARGET_PIVOT_SECONDS} s: "
            f"{'met' if best_pivot <= TARGET_PIVOT_SECONDS else 'missed'}); "
            f"{len(mismatches)} mismatches on the sample",
            flush=True,
        )
        if mismatches:
            sys.exit(1)


if __name__ == "__main__":
    main()
