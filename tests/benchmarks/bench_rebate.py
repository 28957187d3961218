#!/usr/bin/env python3
"""Benchmark of the rebate settlement (crm_channel_mgmt, 返利结算).

    python3 tests/runner/suite.py bench rebate -d bench_rebate [--dealers 1000] \\
        [--lines 1000000] [--invoices-per-dealer 100] [--sample 50] [--regenerate]

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet (``generate_dataset``,
   bulk SQL: ``--dealers`` customers with ``--invoices-per-dealer`` posted invoices and
   credit notes each (5 % credit notes, 30 % paid), ``--lines`` product lines in all,
   dated over the last 365 days), or reuses it (system parameter
   ``crm_channel_mgmt.bench_rebate_dataset``), and flags the customers as dealers;
2. creates a running rebate agreement over the last 365 days for all of them, one
   yearly period, all products, tiers 2 % from 100,000 and 3 % from 200,000;
3. computes the dealers' bases the set-based way (the one grouped statement the
   settlement and the accrual report use) and the naive way (``read_group`` of the
   dealer's invoice lines through the ORM, dealer by dealer, on ``--sample`` dealers,
   extrapolated), and checks they agree on the sample;
4. settles the period (bases, rates, netting, one credit note per dealer created in
   one batch through the ORM, the settlements) and prints its time and queries;
5. rolls back everything but the dataset.
Target: the settlement for 1,000 dealers over 1,000,000 invoice lines in <= 60 s.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, ensure_dataset, measure, open_env  # noqa: E402
from generate_dataset import generate  # noqa: E402

PARAM = "crm_channel_mgmt.bench_rebate_dataset"
TARGET_SECONDS = 60


def get_parser():
    parser = bench_parser("Rebate settlement: one grouped statement vs dealer by dealer through the ORM")
    parser.description = __doc__
    parser.set_defaults(modules="crm_channel_mgmt")
    parser.add_argument("--dealers", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1_000_000, help="posted invoice product lines in all")
    parser.add_argument("--invoices-per-dealer", type=int, default=100)
    parser.add_argument("--sample", type=int, default=50, help="dealers computed the naive way")
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    return parser


def dataset(args):
    wanted = {"dealers": args.dealers, "lines": args.lines, "invoices_per_dealer": args.invoices_per_dealer}
    lines_per_invoice = max(1, round(args.lines / (args.dealers * args.invoices_per_dealer)))
    return ensure_dataset(
        args,
        PARAM,
        wanted,
        lambda env: generate(
            env, args.dealers, args.invoices_per_dealer, lines_per_invoice, refund_ratio=0.05, paid_ratio=0.3, days=365
        ),
    )


def naive_base(env, agreement, dealer, date_to):
    """What a straightforward implementation does: the dealer's lines through the ORM."""
    domain = [
        ("move_id.commercial_partner_id", "=", dealer.id),
        ("move_id.state", "=", "posted"),
        ("move_id.move_type", "in", ("out_invoice", "out_refund")),
        ("move_id.company_id", "=", agreement.company_id.id),
        ("move_id.invoice_date", ">=", agreement.date_start),
        ("move_id.invoice_date", "<=", date_to),
        ("display_type", "=", "product"),
    ]
    groups = env["account.move.line"]._read_group(domain, [], ["balance:sum", "quantity:sum"])
    return -(groups[0][0] or 0.0)


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    with open_env(args, commit=False) as env:
        company = env["res.company"].browse(info["company_id"])
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        first, last = info["partner_ids"]
        dealers = env["res.partner"].search([("id", ">=", first), ("id", "<=", last), ("is_company", "=", True)])
        env.cr.execute("UPDATE res_partner SET crm_channel_is_dealer = TRUE WHERE id = ANY(%s)", [dealers.ids])
        env.invalidate_all()
        today = env["crm.channel.rebate.agreement"]._fields["date_start"].context_today(env["res.partner"])
        env.cr.execute(
            """SELECT COUNT(l.id) FROM account_move m
                 JOIN account_move_line l ON l.move_id = m.id AND l.display_type = 'product'
                WHERE m.commercial_partner_id = ANY(%s) AND m.state = 'posted'
                  AND m.invoice_date BETWEEN %s AND %s""",
            [dealers.ids, today - timedelta(days=364), today],
        )
        n_lines = env.cr.fetchone()[0]
        print(f"# {len(dealers)} dealers, {n_lines} posted invoice lines in the agreement's year", flush=True)
        agreement = (
            env["crm.channel.rebate.agreement"]
            .with_company(company)
            .create(
                {
                    "name": "Benchmark rebate",
                    "company_id": company.id,
                    "dealer_ids": [(6, 0, dealers.ids)],
                    "date_start": today - timedelta(days=364),
                    "date_end": today,
                    "periodicity": "year",
                    "tier_ids": [(0, 0, {"threshold": 100_000, "rate": 2}), (0, 0, {"threshold": 200_000, "rate": 3})],
                }
            )
        )
        agreement.action_confirm()
        period = agreement.period_ids
        env.flush_all()

        with measure(env.cr, "bases, one statement") as set_based:
            bases = agreement._bases(period.date_to)
        sample = dealers[: args.sample]
        with measure(env.cr, f"bases, dealer by dealer through the ORM ({len(sample)} dealers)") as naive:
            naive_bases = {dealer: naive_base(env, agreement, dealer, period.date_to) for dealer in sample}
        wrong = [d for d in sample if abs(naive_bases[d] - bases[agreement, d][0]) > 0.01]
        naive_all = naive.seconds * len(dealers) / len(sample)
        print(set_based, flush=True)
        print(f"{naive}; extrapolated to {len(dealers)} dealers: {naive_all:.1f} s", flush=True)
        print(f"bases that differ between the two ways on the sample: {len(wrong)}")
        print(f"ratio naive/set-based: {naive_all / max(set_based.seconds, 1e-6):.0f}x")

        user = env.ref("base.user_admin")
        with measure(env.cr, "settlement (bases, netting, credit notes, settlements)") as settle:
            settlements = period._settle(user)
        paying = settlements.filtered("move_id")
        print(settle, flush=True)
        print(
            f"{len(settlements)} settlements, {len(paying)} credit notes, "
            f"{sum(settlements.mapped('amount')):,.2f} paid; "
            f"{settle.queries / max(len(paying), 1):.1f} queries per credit note"
        )
        verdict = "OK" if settle.seconds <= TARGET_SECONDS else "MISSED"
        print(f"settlement {settle.seconds:.1f} s (target <= {TARGET_SECONDS} s) {verdict}")


if __name__ == "__main__":
    main()
