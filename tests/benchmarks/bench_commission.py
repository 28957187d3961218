#!/usr/bin/env python3
"""Benchmark of commissions earned on customer payments (crm_channel_commission).

    python3 tests/runner/suite.py bench commission -d bench_commission [--payments 20000] [--lines 3] [--batch 50]

Not part of the test suite. In one transaction that is rolled back at the end, it
1. creates ``--payments`` / 2 posted customer invoices of ``--lines`` lines (no
   taxes): half for a customer without agents and invoiced without salesperson
   (the plain arm), half for a customer with an external agent whose commission
   type has a category rate, invoiced by a salesperson who is an agent with
   tiers (the commission arm: two agents, every rate kind);
2. pays every invoice in two payments (a partial one for half, then the rest)
   through Odoo's payment wizard (``account.payment.register``), alternating a
   payment of the plain arm, with the commission hook switched off (Odoo's own
   payment registration), and one of the commission arm with the hook on
   (``common.alternate_arms``);
   with ``--batch N`` (N > 1) the invoices have a payment term of two
   instalments of 50% and the payments are registered N at a time, as an
   accountant does from the list of due instalments: the wizard on N
   instalment lines, one payment per line (no grouping), the first
   instalments of N invoices, later their second ones;
3. prints time and queries of both arms per payment, their ratio (target
   <= 1.2) and checks that the commission arm earned the whole commission.
A database given with ``-d`` that does not exist is created with
crm_channel_commission installed, without demo data.

``--customers N`` spreads each arm's invoices over N customers (round robin)
instead of one, as a real ledger does.

``--workers K`` (K > 1) splits the payments over K processes running at once,
each on its own copy of the database (``CREATE DATABASE <db>_bench_w<i>
TEMPLATE <db>``, dropped at the end), each alternating the arms as above and
committing after every measured wizard (a copy is thrown away, and no
hour-long transaction holds back the cluster's other databases); the times and
queries of the workers are summed per arm, so the ratio compares the same
payments with and without commissions on a machine loaded the same way for
both arms.
"""

import argparse
import contextlib
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import alternate_arms, bench_parser, get_registry, import_odoo, measure, open_env  # noqa: E402

TARGET_RATIO = 1.20
WARM = 3  # wizards per arm not counted (common.alternate_arms)


def get_parser():
    parser = bench_parser("Commissions: payment registration with and without commission computation")
    parser.description = __doc__
    parser.set_defaults(modules="crm_channel_commission")
    parser.add_argument("--payments", type=int, default=20000, help="payments in all, half per arm")
    parser.add_argument("--lines", type=int, default=3, help="lines per invoice")
    parser.add_argument(
        "--batch", type=int, default=1, help="payments registered together in one wizard (1: invoice by invoice)"
    )
    parser.add_argument("--customers", type=int, default=1, help="customers per arm the invoices are spread over")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes sharing the payments, each on its own copy of the database"
    )
    parser.add_argument("--worker-json", help=argparse.SUPPRESS)  # a worker writes its numbers there
    return parser


def setup(env, args):
    from odoo import Command  # noqa: PLC0415

    company = env.ref("base.main_company")
    categ = env["product.category"].create({"name": "Bench commission category"})
    products = env["product.product"].create(
        [
            {"name": f"Bench commission product {i}", "categ_id": categ.id, "type": "service", "taxes_id": []}
            for i in range(args.lines)
        ]
    )
    commission_agent = env["commission"].create(
        {
            "name": "Bench agent 10%",
            "fix_qty": 10,
            "company_id": company.id,
            "crm_rule_ids": [Command.create({"categ_id": categ.id, "percent": 8})],
        }
    )
    commission_tiers = env["commission"].create(
        {
            "name": "Bench tiers",
            "commission_type": "section",
            "company_id": company.id,
            "section_ids": [
                Command.create({"amount_from": 0, "amount_to": 1000, "percent": 2}),
                Command.create({"amount_from": 1000, "amount_to": 1e12, "percent": 4}),
            ],
        }
    )
    agent = env["res.partner"].create(
        {"name": "Bench agent", "agent": True, "agent_type": "agent", "commission_id": commission_agent.id}
    )
    salesman = env["res.users"].create({"name": "Bench salesman", "login": "bench_commission_salesman"})
    salesman.partner_id.write({"agent": True, "agent_type": "salesman", "commission_id": commission_tiers.id})
    plain_customers = env["res.partner"].create(
        [{"name": f"Bench plain customer {i}", "is_company": True} for i in range(args.customers)]
    )
    agent_customers = env["res.partner"].create(
        [
            {"name": f"Bench agent customer {i}", "is_company": True, "agent_ids": [Command.link(agent.id)]}
            for i in range(args.customers)
        ]
    )
    term = False
    if args.batch > 1:
        term = env["account.payment.term"].create(
            {
                "name": "Bench 50/50",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                ],
            }
        )
    invoices = {False: env["account.move"], True: env["account.move"]}
    per_arm = args.payments // 4  # two payments per invoice, two arms
    for arm, customers, user in ((False, plain_customers, False), (True, agent_customers, salesman.id)):
        for start in range(0, per_arm, 500):
            batch = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customers[i % len(customers)].id,
                        "invoice_user_id": user,
                        "invoice_payment_term_id": term and term.id,
                        "invoice_line_ids": [
                            Command.create(
                                {"product_id": p.id, "quantity": 1, "price_unit": 300.0 + i % 7, "tax_ids": []}
                            )
                            for p in products
                        ],
                    }
                    for i in range(start, min(per_arm, start + 500))
                ]
            )
            batch.action_post()
            invoices[arm] |= batch
            env.flush_all()
            if args.worker_json:  # a worker's copy: no long transaction
                env.cr.commit()
    return company, invoices


def run(args):
    """Measure both arms on one database; return the numbers as a dict."""
    commit = bool(args.worker_json)  # a worker's database is a throwaway copy
    with open_env(args, commit=False) as env:
        company, invoices = setup(env, args)
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        env.cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE crm_channel_commission_line")
        Partial = env.registry["account.partial.reconcile"]
        hook = Partial._crm_commission_earn

        def items(moves):
            # the first payment of each invoice pays half, the second the rest
            return [(move, half) for move in moves for half in (True, False)]

        def pay(item, on):
            move, half = item
            Partial._crm_commission_earn = hook if on else (lambda self: None)
            wizard = (
                env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=move.ids)
                .create({"amount": move.amount_residual / 2} if half else {})
            )
            with measure(env.cr) as result:
                wizard._create_payments()
            if commit:
                env.cr.commit()
            return result

        def batch_items(moves):
            # the first instalments of args.batch invoices, then their second ones
            items = []
            for start in range(0, len(moves), args.batch):
                terms = moves[start : start + args.batch].line_ids.filtered(
                    lambda line: line.display_type == "payment_term"
                )
                ordered = terms.sorted(lambda line: (line.date_maturity, line.id))
                for rank in (0, 1):
                    items.append(
                        env["account.move.line"].browse(
                            [lines.sorted("date_maturity")[rank].id for lines in ordered.grouped("move_id").values()]
                        )
                    )
            return items

        def pay_batch(lines, on):
            Partial._crm_commission_earn = hook if on else (lambda self: None)
            wizard = (
                env["account.payment.register"]
                .with_context(active_model="account.move.line", active_ids=lines.ids)
                .create({"group_payment": False})
            )
            with measure(env.cr) as result:
                payments = wizard._create_payments()
            assert len(payments) == len(lines), (len(payments), len(lines))
            if commit:
                env.cr.commit()
            return result

        if args.batch > 1:
            items, pay = batch_items, pay_batch

        try:
            arms = alternate_arms(items(invoices[False]), items(invoices[True]), pay, warm=WARM)
        finally:
            Partial._crm_commission_earn = hook
        lines = env["crm.channel.commission.line"].search([("move_id", "in", invoices[True].ids)])
        earned = sum(lines.mapped("amount"))
        paid = set(invoices[True].mapped("payment_state"))
        # every invoice: agent 8% (category rate) + salesperson 2% (base below 1,000)
        expected = sum(round(m.amount_untaxed * 0.08, 2) + round(m.amount_untaxed * 0.02, 2) for m in invoices[True])
        assert not env["crm.channel.commission.line"].search_count([("move_id", "in", invoices[False].ids)])
    return dict(
        arms,
        counted=arms["counted"] * args.batch,
        warm=arms["warm"] * args.batch,
        commission_lines=len(lines),
        earned=earned,
        expected=expected,
        paid=sorted(paid),
    )


def run_workers(args):
    """Run ``args.workers`` processes at once, each on its own copy of the
    database with its share of the payments; return their numbers summed."""
    odoo = import_odoo()
    from odoo.tools import SQL  # noqa: PLC0415

    get_registry(args)  # creates the database when it is missing
    odoo.sql_db.close_db(args.database)
    copies = [f"{args.database}_bench_w{i}" for i in range(1, args.workers + 1)]

    def admin(*queries):
        with contextlib.closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True
            for query in queries:
                cr.execute(query)

    admin(*(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(copy)) for copy in copies))
    admin(
        *(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(copy), SQL.identifier(args.database)) for copy in copies)
    )
    print(f"# {args.workers} workers on {', '.join(copies)}", flush=True)
    try:
        procs = []
        for i, copy in enumerate(copies):
            out = Path(f"/tmp/bench_commission_{copy}.json")
            out.unlink(missing_ok=True)
            cmd = [sys.executable, __file__, "-d", copy, "-c", args.config, "--log-level", args.log_level]
            for opt in ("db_host", "db_port", "db_user"):
                if getattr(args, opt, None):
                    cmd += [f"--{opt.replace('_', '-')}", getattr(args, opt)]
            share = args.payments // args.workers + (1 if i < args.payments % args.workers else 0)
            cmd += ["--payments", str(share), "--lines", str(args.lines), "--batch", str(args.batch)]
            cmd += ["--customers", str(args.customers), "--worker-json", str(out)]
            procs.append((subprocess.Popen(cmd), out))  # noqa: S603
        failed = [proc.args for proc, _out in procs if proc.wait()]
        if failed:
            sys.exit(f"{len(failed)} worker(s) failed")
        results = [json.loads(out.read_text()) for _proc, out in procs]
    finally:
        admin(*(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(copy)) for copy in copies))
    summed = "time_off time_on queries_off queries_on counted warm commission_lines earned expected".split()
    return {
        **{key: sum(r[key] for r in results) for key in summed},
        "paid": sorted(set().union(*(r["paid"] for r in results))),
        "total": max(r["total"] for r in results),  # the workers ran at the same time
    }


def main():
    parser = get_parser()
    args = parser.parse_args()
    wizards = args.payments // args.workers // 2 // args.batch  # per arm and worker
    if wizards <= WARM:
        parser.error(
            f"--payments {args.payments} gives {wizards} wizard(s) per arm and worker, "
            f"not more than the {WARM} that warm up: give at least {(WARM + 1) * 2 * args.batch * args.workers}"
        )
    if args.workers > 1:
        arms = run_workers(args)
    else:
        arms = run(args)
        if args.worker_json:
            Path(args.worker_json).write_text(json.dumps(arms))
            return 0
    counted = arms["counted"]
    ratio = arms["time_on"] / arms["time_off"] if arms["time_off"] else float("nan")
    print(
        f"payments per arm: {counted} measured (after {arms['warm']} warm-up payments per arm), "
        f"{args.lines} lines per invoice, {args.batch} payment(s) per wizard, {args.customers} customer(s) per arm"
        + (f", {args.workers} workers" if args.workers > 1 else "")
    )
    for arm, label in (("off", "plain payment registration"), ("on", "with commissions")):
        seconds, queries = arms[f"time_{arm}"], arms[f"queries_{arm}"]
        print(
            f"{label}: {seconds:.2f} s, {queries} queries "
            f"({seconds / counted * 1000:.1f} ms, {queries / counted:.1f} queries per payment)"
        )
    print(f"ratio on/off: {ratio:.3f} (target <= {TARGET_RATIO}); run took {arms['total']:.1f} s")
    earned, expected, paid = arms["earned"], arms["expected"], arms["paid"]
    print(
        f"commission lines: {arms['commission_lines']}, earned {earned:.2f} of {expected:.2f} expected; invoices {paid}"
    )
    ok = ratio <= TARGET_RATIO and abs(earned - expected) < 0.01 and paid == ["paid"]
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
