#!/usr/bin/env python3
"""Benchmark of the anti-diversion check of a sell-through report (crm_channel_mgmt, 窜货稽查).

    python3 tests/benchmarks/bench_diversion.py -d h_bench_diversion [--move-lines 1000000] [--rows 50000]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench diversion -d h_bench_diversion

Not part of the test suite. In one transaction, rolled back at the end, it
1. creates (ORM) one territory per province, ``--dealers`` dealers, each with
   the territory of its province, and ``--products`` lot-tracked products;
2. builds with SQL ``--lots`` lots, each the lot of one dealer, and
   ``--move-lines`` done lot move lines: deliveries of the lots to their
   dealers (``--pickings`` pickings per dealer) and, for one lot in five, a
   return from the dealer (a customer-to-stock move line);
3. builds with SQL a sell-through report of ``--rows`` lines of the first
   dealer: its own lots sold in its province, except ``--diverted`` lines
   selling lots delivered to other dealers (窜货 from another dealer) and
   ``--outside`` lines selling its lots in another province; ANALYZE;
4. times the diversion check of the report as the import runs it: the lines'
   ``_crm_check_diversion`` (the sell-through hook, which calls
   ``crm.channel.diversion._crm_open_cases``) batch by batch of 5,000 lines
   (the import wizard's batches); then again (re-import: every case already
   open); prints times, queries, cases opened and the main nodes of the
   origins query's plan (EXPLAIN ANALYZE, first batch); exits 1 above
   ``TARGET_SECONDS``.
"""

import sys
import time
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

TARGET_SECONDS = 10
BATCH_SIZE = 5000  # the import wizard's (crm_channel_sellthrough_import.BATCH_SIZE)
PREFIX = "BDIV"


def get_parser():
    parser = bench_parser("Diversion check of a sell-through report against a million delivered lot move lines")
    parser.description = __doc__
    parser.set_defaults(modules="crm_channel_mgmt")
    parser.add_argument("--move-lines", type=int, default=1_000_000, help="done lot move lines")
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--dealers", type=int, default=200)
    parser.add_argument("--pickings", type=int, default=50, help="deliveries per dealer")
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--rows", type=int, default=50_000, help="lines of the sell-through report")
    parser.add_argument("--diverted", type=int, default=300, help="report lines of other dealers' lots")
    parser.add_argument("--outside", type=int, default=100, help="report lines outside the dealer's territory")
    return parser


def setup(env, args):
    """Territories, dealers and products through the ORM (few records)."""
    from odoo import Command  # noqa: PLC0415

    cn = env.ref("base.cn")
    states = env["res.country.state"].search([("country_id", "=", cn.id)], order="id")
    territories = env["crm.channel.territory"].create(
        [{"name": f"{PREFIX} {state.name}", "country_id": cn.id, "state_id": state.id} for state in states]
    )
    dealers = env["res.partner"].create(
        [
            {
                "name": f"{PREFIX} 经销商 {index:04d}",
                "is_company": True,
                "crm_channel_is_dealer": True,
                "country_id": cn.id,
                "state_id": states[index % len(states)].id,
                "crm_channel_territory_ids": [Command.set(territories[index % len(states)].ids)],
            }
            for index in range(args.dealers)
        ]
    )
    products = env["product.product"].create(
        [
            {"name": f"{PREFIX} 产品 {index:03d}", "type": "consu", "is_storable": True, "tracking": "lot"}
            for index in range(args.products)
        ]
    )
    env.flush_all()
    return states, dealers, products


def build(env, args, dealers, products):
    """Lots, pickings, done move lines and the report, set-based in SQL."""
    cr = env.cr
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock, customers = warehouse.lot_stock_id.id, env.ref("stock.stock_location_customers").id
    cr.execute(
        "CREATE TEMP TABLE bench_dealer (idx int PRIMARY KEY, partner_id int) ON COMMIT DROP;"
        "INSERT INTO bench_dealer SELECT i - 1, d FROM unnest(%s::int[]) WITH ORDINALITY u(d, i);"
        "CREATE TEMP TABLE bench_product (idx int PRIMARY KEY, product_id int, uom_id int) ON COMMIT DROP;"
        "INSERT INTO bench_product SELECT i - 1, p, %s FROM unnest(%s::int[]) WITH ORDINALITY u(p, i);",
        [dealers.ids, products[0].uom_id.id, products.ids],
    )
    # lot k belongs to dealer k % dealers
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date, create_uid, write_uid)
        SELECT %(prefix)s || '-' || lpad(k::text, 7, '0'), p.product_id, %(company)s, now(), now(), 1, 1
          FROM generate_series(0, %(lots)s - 1) k
          JOIN bench_product p ON p.idx = k %% %(products)s;
        CREATE TEMP TABLE bench_lot ON COMMIT DROP AS
        SELECT substr(l.name, length(%(prefix)s) + 2)::int AS k, l.id, l.product_id
          FROM stock_lot l WHERE l.name LIKE %(prefix)s || '-%%';
        """,
        {"prefix": PREFIX, "company": company.id, "lots": args.lots, "products": args.products},
    )
    # pickings: n deliveries per dealer, and one return picking per dealer (n = -1)
    cr.execute(
        """
        INSERT INTO stock_picking (name, partner_id, company_id, picking_type_id, location_id, location_dest_id,
                                   move_type, state, date_done, scheduled_date, date, create_date, write_date,
                                   create_uid, write_uid)
        SELECT %(prefix)s || '/' || d.idx || '/' || n, d.partner_id, %(company)s,
               CASE WHEN n < 0 THEN %(in_type)s ELSE %(out_type)s END,
               CASE WHEN n < 0 THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN n < 0 THEN %(stock)s ELSE %(customers)s END,
               'direct', 'done', now(), now(), now(), now(), now(), 1, 1
          FROM bench_dealer d CROSS JOIN generate_series(-1, %(pickings)s - 1) n;
        CREATE TEMP TABLE bench_picking ON COMMIT DROP AS
        SELECT split_part(name, '/', 2)::int AS dealer_idx, split_part(name, '/', 3)::int AS n, id
          FROM stock_picking WHERE name LIKE %(prefix)s || '/%%';
        CREATE UNIQUE INDEX ON bench_picking (dealer_idx, n);
        ANALYZE bench_lot; ANALYZE bench_picking;
        """,
        {
            "prefix": PREFIX,
            "company": company.id,
            "in_type": warehouse.in_type_id.id,
            "out_type": warehouse.out_type_id.id,
            "customers": customers,
            "stock": stock,
            "pickings": args.pickings,
        },
    )
    # per lot: deliveries of 10 to its dealer, the last one a return of 5 for one lot in five
    per_lot = -(-args.move_lines // args.lots)
    cr.execute(
        """
        INSERT INTO stock_move_line (company_id, date, location_id, location_dest_id, product_id, product_uom_id,
                                     lot_id, picking_id, quantity, quantity_product_uom, state, picked, reference,
                                     create_date, write_date, create_uid, write_uid)
        SELECT %(company)s, now(),
               CASE WHEN r THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN r THEN %(stock)s ELSE %(customers)s END,
               l.product_id, %(uom)s, l.id, p.id,
               CASE WHEN r THEN 5 ELSE 10 END, CASE WHEN r THEN 5 ELSE 10 END,
               'done', true, %(prefix)s, now(), now(), 1, 1
          FROM (SELECT l.*, j, (j = %(per_lot)s - 1 AND l.k %% 5 = 0) AS r
                  FROM bench_lot l CROSS JOIN generate_series(0, %(per_lot)s - 1) j
                 WHERE l.k * %(per_lot)s + j < %(move_lines)s) l
          JOIN bench_picking p
            ON p.dealer_idx = l.k %% %(dealers)s
           AND p.n = CASE WHEN l.r THEN -1 ELSE (l.k / %(dealers)s + l.j) %% %(pickings)s END
        """,
        {
            "company": company.id,
            "customers": customers,
            "stock": stock,
            "uom": products[0].uom_id.id,
            "prefix": PREFIX,
            "per_lot": per_lot,
            "move_lines": args.move_lines,
            "dealers": args.dealers,
            "pickings": args.pickings,
        },
    )
    move_lines = cr.rowcount
    return move_lines


def build_report(env, args, states, dealer):
    """The first dealer's report: its lots (k % dealers = 0) in its province, but for
    ``--diverted`` lines of other dealers' lots and ``--outside`` lines in another province."""
    cr = env.cr
    home, other = states[0], states[1]
    cr.execute(
        """
        INSERT INTO crm_channel_sellthrough (partner_id, company_id, date_from, date_to, source,
                                             create_date, write_date, create_uid, write_uid)
        VALUES (%(dealer)s, %(company)s, '2026-01-01', '2026-01-31', 'import', now(), now(), 1, 1)
        RETURNING id
        """,
        {"dealer": dealer.id, "company": env.company.id},
    )
    report_id = cr.fetchone()[0]
    own_lots = -(-args.lots // args.dealers)
    cr.execute(
        """
        INSERT INTO crm_channel_sellthrough_line (report_id, partner_id, company_id, date, product_id, lot_id,
                                                  quantity, price_unit, amount, customer_name, state_id, city,
                                                  create_date, write_date, create_uid, write_uid)
        SELECT %(report)s, %(dealer)s, %(company)s, DATE '2026-01-01' + (i %% 28), l.product_id, l.id,
               1, 12.5, 12.5, '医院 ' || (i %% 500),
               CASE WHEN i >= %(rows)s - %(outside)s THEN %(other)s ELSE %(home)s END, NULL,
               now(), now(), 1, 1
          FROM generate_series(0, %(rows)s - 1) i
          JOIN bench_lot l
            ON l.k = CASE WHEN i < %(diverted)s THEN (i %% %(own_lots)s) * %(dealers)s + 1 + (i %% (%(dealers)s - 1))
                          ELSE (i %% %(own_lots)s) * %(dealers)s END
        """,
        {
            "report": report_id,
            "dealer": dealer.id,
            "company": env.company.id,
            "rows": args.rows,
            "outside": args.outside,
            "diverted": args.diverted,
            "other": other.id,
            "home": home.id,
            "own_lots": own_lots,
            "dealers": args.dealers,
        },
    )
    return report_id, cr.rowcount


def explain_origins(env, lines):
    """EXPLAIN ANALYZE of the origins query of ``lines``' findings, captured as the hook runs it."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    captured = []
    execute = cr.execute

    def capture(query, params=None, log_exceptions=True):
        if not captured and "WITH RECURSIVE f(" in str(query):
            captured.append((query, params))
        return execute(query, params, log_exceptions)

    with cr.savepoint():
        cr.execute = capture
        try:
            lines._crm_check_diversion()
        finally:
            del cr.execute
    query, _params = captured[0]
    cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS OFF) %s", query))
    plan = [row[0] for row in cr.fetchall()]
    return [line for line in plan if "->" in line or line == plan[0] or "Execution Time" in line]


def main():
    args = get_parser().parse_args()
    with open_env(args, commit=False) as env:
        start = time.perf_counter()
        states, dealers, products = setup(env, args)
        move_lines = build(env, args, dealers, products)
        report_id, rows = build_report(env, args, states, dealers[0])
        for table in ("stock_lot", "stock_picking", "stock_move_line", "res_partner", "crm_channel_sellthrough_line"):
            env.cr.execute(f"ANALYZE {table}")
        env.invalidate_all()
        print(
            f"# setup {time.perf_counter() - start:.1f} s: {args.dealers} dealers, {args.lots} lots, "
            f"{move_lines} done lot move lines, a report of {rows} lines",
            flush=True,
        )
        Line = env["crm.channel.sellthrough.line"]
        Case = env["crm.channel.diversion"]
        line_ids = Line.search([("report_id", "=", report_id)], order="id").ids
        cases_before = Case.search_count([])

        origins_seconds = []
        lot_origins = type(Case)._crm_lot_origins

        def timed_origins(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return lot_origins(self, *args, **kwargs)
            finally:
                origins_seconds.append(time.perf_counter() - start)

        def check(label):
            origins_seconds.clear()
            with patch.object(type(Case), "_crm_lot_origins", timed_origins), measure(env.cr, label) as result:
                for index in range(0, len(line_ids), BATCH_SIZE):
                    Line.browse(line_ids[index : index + BATCH_SIZE])._crm_check_diversion()
                    env.flush_all()
                    env.invalidate_all()
            result.origins = sum(origins_seconds)
            return result

        first = check("diversion check of the report (cases opened)")
        opened = Case.search_count([]) - cases_before
        reasons = dict(Case._read_group([("id", ">", 0), ("source", "=", "sellthrough")], ["reason"], ["__count"]))
        print(f"{first}  ({rows} lines, {opened} cases opened: {reasons})", flush=True)
        print(f"    of which the origins query (_crm_lot_origins): {first.origins:.2f} s", flush=True)
        again = check("again, the report imported a second time (cases already open)")
        print(f"{again}  ({Case.search_count([]) - cases_before - opened} more cases)", flush=True)
        print(f"    of which the origins query (_crm_lot_origins): {again.origins:.2f} s", flush=True)
        plan = explain_origins(env, Line.browse(line_ids[:BATCH_SIZE]))
        print("origins query of one batch (EXPLAIN ANALYZE, main nodes):")
        for line in plan:
            print(f"    {line}")

    print(
        f"check: {first.seconds:.1f} s for {rows} lines against {move_lines} move lines (target <= {TARGET_SECONDS} s)"
    )
    print(f"queries: {first.queries} ({-(-rows // BATCH_SIZE)} batches of {BATCH_SIZE} lines)")
    return 0 if first.seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
