#!/usr/bin/env python3
"""Benchmark of the customer value recompute (crm_core_ext, crm.value.model).

    python3 tests/benchmarks/bench_value.py -d bench_value [--customers 100000] [--lines 1000000] \\
        [--sample 1000] [--regenerate] [--commit]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench value -d bench_value --customers 100000 --lines 1000000

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet (``generate_dataset``:
   ``--customers`` customers with ``--lines`` posted invoice lines in all, 2 moves of
   5 product lines per customer by default, 5 % credit notes, all dated within the
   model's 365-day window), or reuses it (recorded in the system parameter
   ``crm_core_ext.bench_value_dataset``);
2. runs the set-based recompute of the company's value model (created when missing:
   A/B/C/D on the score) twice, timing it and counting its SQL queries: the first
   run starts from customers without levels (every partner row changes), the
   second re-runs on unchanged data (only history rows are added);
3. runs the naive way, customer by customer through the ORM (``search_read`` of the
   customer's posted invoices and credit notes, scoring in Python, ``write`` on the
   partner, ``create`` of a history row) on ``--sample`` customers, and extrapolates
   to all customers;
4. prints both times, query counts and the ratio; checks the targets (<= 60 s,
   >= 20 times faster).
Everything but the dataset is rolled back at the end unless ``--commit``.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import generate  # noqa: E402

PARAM = "crm_core_ext.bench_value_dataset"
TARGET_SECONDS = 60
TARGET_RATIO = 20


def get_parser():
    parser = bench_parser("Customer value recompute: set-based SQL vs customer by customer through the ORM")
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000, help="posted invoice lines (product lines) in all")
    parser.add_argument("--invoices-per-customer", type=int, default=2)
    parser.add_argument("--sample", type=int, default=1000, help="customers recomputed the naive way")
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    parser.add_argument("--commit", action="store_true", help="keep the computed levels")
    return parser


def dataset(args):
    wanted = {"customers": args.customers, "lines": args.lines, "invoices_per_customer": args.invoices_per_customer}
    lines_per_invoice = max(1, round(args.lines / (args.customers * args.invoices_per_customer)))
    return ensure_dataset(
        args,
        PARAM,
        wanted,
        lambda env: generate(
            env,
            args.customers,
            args.invoices_per_customer,
            lines_per_invoice,
            refund_ratio=0.05,
            paid_ratio=0.3,
            days=365,
        ),
    )


def get_model(env, company):
    model = env["crm.value.model"].search([("company_id", "=", company.id)], limit=1)
    if not model:
        model = env["crm.value.model"].create(
            {
                "name": "Benchmark RFM",
                "company_id": company.id,
                "weight_recency": 1,
                "weight_frequency": 1,
                "weight_monetary": 2,
                "level_ids": [
                    (0, 0, {"sequence": i, "code": code, "name": code, "min_score": score})
                    for i, (code, score) in enumerate([("A", 75), ("B", 50), ("C", 25), ("D", 0)])
                ],
            }
        )
    return model


def naive_recompute(env, model, partners, date_to):
    """The straightforward ORM way: one customer at a time."""
    date_from = date_to - timedelta(days=model.window_days)
    Move = env["account.move"]
    stats = {}
    for partner in partners:
        moves = Move.search_read(
            [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", model.company_id.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">", date_from),
                ("invoice_date", "<=", date_to),
            ],
            ["move_type", "invoice_date", "amount_untaxed_signed"],
        )
        invoices = [m for m in moves if m["move_type"] == "out_invoice"]
        if not invoices:
            continue
        stats[partner] = (
            max(m["invoice_date"] for m in invoices),
            max(len(invoices) - (len(moves) - len(invoices)), 0),
            sum(m["amount_untaxed_signed"] for m in moves),
        )
    # percent ranks in Python (cheap; the cost is the per-customer I/O)
    n = len(stats)

    def prank(values):
        ordered = sorted(values)
        first = {}
        for i, v in enumerate(ordered):
            first.setdefault(v, i)
        return {v: (first[v] / (n - 1) if n > 1 else 1.0) for v in values}

    ranks = [prank([s[i] for s in stats.values()]) for i in range(3)]
    weights = (model.weight_recency, model.weight_frequency, model.weight_monetary)
    levels = model.level_ids.sorted("sequence")
    for partner, values in stats.items():
        score = round(100 * sum(w * r[v] for w, r, v in zip(weights, ranks, values, strict=True)) / sum(weights), 2)
        level = next((lv for lv in levels if score >= lv.min_score), levels.browse())
        partner.write({"crm_value_score": score, "crm_value_level_id": level.id, "crm_value_date": date_to})
        env["crm.value.history"].create(
            {
                "partner_id": partner.id,
                "company_id": model.company_id.id,
                "model_id": model.id,
                "date": date_to,
                "recency_days": (date_to - values[0]).days,
                "frequency": values[1],
                "monetary": values[2],
                "score": score,
                "level_id": level.id,
            }
        )
    env.flush_all()
    return len(stats)


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    with open_env(args, commit=args.commit) as env:
        company = env["res.company"].browse(info["company_id"])
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        model = get_model(env, company).with_company(company)
        env.flush_all()
        date_to = env["crm.value.model"]._fields["last_run"].now().date()
        env.cr.execute(
            """
            SELECT COUNT(DISTINCT m.commercial_partner_id), COUNT(DISTINCT m.id), COUNT(l.id)
              FROM account_move m JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
             WHERE m.company_id = %s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date > %s AND m.invoice_date <= %s
        """,
            [company.id, date_to - timedelta(days=model.window_days), date_to],
        )
        n_customers, n_moves, n_lines = env.cr.fetchone()
        print(
            f"# company {company.name}: {n_customers} customers, {n_moves} posted invoices/credit notes, "
            f"{n_lines} posted invoice lines in the {model.window_days}-day window",
            flush=True,
        )

        # start from customers without levels (a first computation: every partner row changes)
        key = str(company.id)
        env.cr.execute(
            """
            UPDATE res_partner
               SET crm_value_level_id = crm_value_level_id - %(key)s, crm_value_score = crm_value_score - %(key)s,
                   crm_value_date = crm_value_date - %(key)s
             WHERE crm_value_level_id ? %(key)s OR crm_value_score ? %(key)s OR crm_value_date ? %(key)s
            """,
            {"key": key},
        )
        env.invalidate_all()
        runs = []
        for run in (1, 2):
            with measure(env.cr, f"set-based recompute, run {run}") as m:
                model._recompute(date=date_to)
            runs.append(m)
            print(
                f"{m}  ({model.last_run_customer_count} customers scored, " f"{model.last_run_removed_count} removed)",
                flush=True,
            )
        levels = model.level_ids.sorted("sequence")
        print("# pyramid:", ", ".join(f"{level.code} {level.customer_count}" for level in levels))
        scored = model.last_run_customer_count

        env.cr.execute(
            """
            SELECT DISTINCT commercial_partner_id FROM account_move
             WHERE company_id = %s AND state = 'posted' AND move_type = 'out_invoice' AND invoice_date > %s
             ORDER BY commercial_partner_id LIMIT %s
        """,
            [company.id, date_to - timedelta(days=model.window_days), args.sample],
        )
        sample = env["res.partner"].browse([r[0] for r in env.cr.fetchall()])
        env.invalidate_all()
        with measure(env.cr, "naive ORM, sample") as naive:
            done = naive_recompute(env, model, sample, date_to)
        factor = scored / max(done, 1)
        naive_seconds = naive.seconds * factor
        naive_queries = round(naive.queries * factor)
        best = min(r.seconds for r in runs)
        print(
            f"naive ORM, customer by customer: sample of {done} customers in {naive.seconds:.2f} s, "
            f"{naive.queries} queries"
        )
        print(
            f"naive ORM, extrapolated to {scored} customers (x{factor:.1f}): {naive_seconds:.1f} s, "
            f"~{naive_queries} queries"
        )
        print(
            f"set-based: {runs[0].seconds:.2f} s (run 1), {runs[1].seconds:.2f} s (run 2), "
            f"{runs[0].queries} queries"
        )
        ratio_first = naive_seconds / runs[0].seconds
        print(f"ratio naive / set-based: {ratio_first:.0f}x (run 1), {naive_seconds / best:.0f}x (best run)")
        ok_time = runs[0].seconds <= TARGET_SECONDS
        ok_ratio = ratio_first >= TARGET_RATIO
        print(
            f"targets: <= {TARGET_SECONDS} s: {'OK' if ok_time else 'MISSED'}; "
            f">= {TARGET_RATIO}x faster: {'OK' if ok_ratio else 'MISSED'}"
        )
        if not args.commit:
            print("# rolled back (use --commit to keep the levels)")
    return 0 if ok_time and ok_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
