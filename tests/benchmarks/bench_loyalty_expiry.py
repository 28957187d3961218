#!/usr/bin/env python3
"""Benchmark of the daily points expiry job (crm_loyalty).

    python3 tests/runner/suite.py bench loyalty_expiry -d bench_loyalty [--cards 20000] \\
        [--rows 1000000] [--due-share 0.3] [--regenerate]

Not part of the test suite. It
1. builds, set-based (INSERT ... SELECT generate_series), a loyalty program with
   ``--cards`` cards and ``--rows`` ledger rows: open batches of earned points
   whose expiry dates are spread so that about ``--due-share`` of them are due
   today, the cards' points equal to their ledger (recorded in the system
   parameter ``crm_loyalty.bench_expiry_dataset`` and reused);
2. runs the expiry job once (``crm.loyalty.ledger._expire_batches``), timing it
   and counting its SQL queries;
3. checks that every card still equals the sum of its ledger;
4. rolls back: the dataset stays as built, ready for the next run.
Target: at most 15 s for 1,000,000 ledger rows.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

PARAM = "crm_loyalty.bench_expiry_dataset"
TARGET_SECONDS = 15.0


def get_parser():
    parser = bench_parser("Loyalty: daily expiry job over a large ledger")
    parser.description = __doc__
    parser.set_defaults(modules="crm_loyalty")
    parser.add_argument("--cards", type=int, default=20000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.3, help="share of the batches due today")
    parser.add_argument("--regenerate", action="store_true")
    return parser


def build(env, args):
    program = env["loyalty.program"].create(
        {
            "name": "Bench expiry program",
            "program_type": "loyalty",
            "crm_ledger": True,
            "crm_accrual_moment": "invoice",
            "crm_expiry_policy": "months",
            "crm_expiry_months": 12,
        }
    )
    company = program.company_id
    cr = env.cr
    cr.execute(
        """
        INSERT INTO loyalty_card (program_id, company_id, partner_id, code, points, active,
                                  create_uid, create_date, write_uid, write_date)
        SELECT %(program)s, %(company)s, NULL, 'bench-exp-' || %(program)s || '-' || g, 0, true,
               1, now(), 1, now()
          FROM generate_series(1, %(cards)s) g
        """,
        {"program": program.id, "company": company.id, "cards": args.cards},
    )
    cr.execute("SELECT min(id), max(id) FROM loyalty_card WHERE program_id = %s", [program.id])
    first, last = cr.fetchone()
    # batch g of card (g mod cards): earned between 700 and 1 days ago, expiring
    # 12 months later; the --due-share oldest are due
    cr.execute(
        """
        INSERT INTO crm_loyalty_ledger (card_id, program_id, company_id, currency_id, date, entry_type,
                                        points, remaining, amount, expiry_date, description, user_id,
                                        create_uid, create_date, write_uid, write_date)
        SELECT %(first)s + (g %% %(cards)s), %(program)s, %(company)s, %(currency)s, d, 'accrual',
               10, 10, 10, d + interval '12 months', 'bench', 1, 1, now(), 1, now()
          FROM (SELECT g, (current_date - 1 - floor(random() * %(span)s)::int) AS d
                  FROM generate_series(1, %(rows)s) g) s
        """,
        {
            "first": first,
            "cards": last - first + 1,
            "program": program.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "rows": args.rows,
            # dates over `span` days before today; those older than 365 days are due
            "span": int(365 / (1 - args.due_share)),
        },
    )
    cr.execute(
        """
        UPDATE loyalty_card c SET points = s.total
          FROM (SELECT card_id, SUM(points) total FROM crm_loyalty_ledger WHERE program_id = %s GROUP BY card_id) s
         WHERE c.id = s.card_id
        """,
        [program.id],
    )
    cr.execute("ANALYZE crm_loyalty_ledger")
    cr.execute("ANALYZE loyalty_card")
    return program.id


def main():
    args = get_parser().parse_args()
    wanted = f"{args.cards}:{args.rows}:{args.due_share}"
    with open_env(args) as env:
        param = env["ir.config_parameter"].get_param(PARAM) or ""
        if param.split("|")[0] != wanted or args.regenerate:
            start = time.perf_counter()
            program_id = build(env, args)
            env["ir.config_parameter"].set_param(PARAM, f"{wanted}|{program_id}")
            print(f"# dataset built in {time.perf_counter() - start:.1f} s", flush=True)
        else:
            program_id = int(param.split("|")[1])
            print("# reusing dataset", flush=True)
    with open_env(args, commit=False) as env:
        cr = env.cr
        cr.execute("SELECT count(*) FROM crm_loyalty_ledger WHERE program_id = %s", [program_id])
        rows = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM crm_loyalty_ledger"
            " WHERE program_id = %s AND remaining > 0 AND expiry_date < current_date",
            [program_id],
        )
        due = cr.fetchone()[0]
        print(f"ledger rows of the program: {rows:,}; batches due today: {due:,}")
        with measure(cr, "expiry job") as m:
            expired = env["crm.loyalty.ledger"]._expire_batches()
        print(f"{m} -> {expired:,} batches expired")
        cr.execute(
            """
            SELECT count(*) FROM loyalty_card c
              LEFT JOIN (SELECT card_id, SUM(points) total FROM crm_loyalty_ledger GROUP BY card_id) s
                ON s.card_id = c.id
             WHERE c.program_id = %s AND round(c.points::numeric, 2) <> round(COALESCE(s.total, 0)::numeric, 2)
            """,
            [program_id],
        )
        print(f"cards whose points differ from their ledger after the job: {cr.fetchone()[0]}")
        verdict = "OK" if m.seconds <= TARGET_SECONDS else "OVER TARGET"
        print(f"target <= {TARGET_SECONDS:.0f} s over {rows:,} rows: {m.seconds:.2f} s {verdict}")


if __name__ == "__main__":
    main()
