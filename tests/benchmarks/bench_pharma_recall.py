#!/usr/bin/env python3
"""Benchmark of the lot recall's customer search (crm_industry_pharma) on a large
stock history.

    python3 tests/benchmarks/bench_pharma_recall.py -d bench_pharma [--move-lines 1000000] \\
        [--lots 20000] [--products 200] [--customers 5000] [--lines-per-picking 5] \\
        [--many-lots 100] [--repeat 5] [--regenerate]

Not part of the test suite. It
1. builds the dataset when the database does not hold it yet, set-based in SQL
   (``generate_series``), and commits it (recorded in the system parameter
   ``crm_industry_pharma.bench_recall_dataset``, reused by later runs):
   ``--products`` lot-tracked drugs (ORM), ``--lots`` lots spread over them,
   ``--customers`` pharmacies and hospitals and 20 suppliers, done pickings of
   ``--lines-per-picking`` lines each and ``--move-lines`` done stock move lines
   over two years, each of a random lot: 80 % deliveries from stock to
   customers, 5 % returns from customers, 15 % receipts from suppliers;
   then ``VACUUM ANALYZE`` (the index-only scan needs the visibility map);
2. in a transaction rolled back at the end, times the recall query
   (``crm.pharma.recall._customer_quantities_sql``) executed for 1 lot and for
   ``--many-lots`` lots of one drug (best and median of ``--repeat`` runs),
   prints its plan's scan node of stock_move_line (``EXPLAIN ANALYZE``: an Index
   Only Scan on the recall's covering index, with its heap fetches), and
   times ``action_find_customers`` on a recall of 1 lot and on one of
   ``--many-lots`` lots (query + one line per customer created).
Targets: 1 lot within 1 s, ``--many-lots`` lots within 5 s.
The database is created (crm_industry_pharma, no demo data) when missing.
"""

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, import_odoo, measure, open_env  # noqa: E402

PARAM = "crm_industry_pharma.bench_recall_dataset"
TARGET_ONE = 1.0
TARGET_MANY = 5.0


def get_parser():
    parser = bench_parser("Lot recall: finding every customer of lots among millions of stock move lines")
    parser.description = __doc__
    parser.set_defaults(modules="crm_industry_pharma")
    parser.add_argument("--move-lines", type=int, default=1_000_000)
    parser.add_argument("--lots", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--lines-per-picking", type=int, default=5)
    parser.add_argument("--many-lots", type=int, default=100, help="lots of one drug in the large recall")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query timed")
    parser.add_argument("--regenerate", action="store_true", help="add a fresh dataset even if one is recorded")
    return parser


def build(env, args):
    """Insert the dataset; return what the measurements need."""
    company = env.ref("base.main_company")
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    stock = warehouse.lot_stock_id
    customer_location = env.ref("stock.stock_location_customers")
    supplier_location = env.ref("stock.stock_location_suppliers")
    cr = env.cr
    prefix = f"RB{int(time.time()) % 100000}"
    start = time.perf_counter()

    def step(label, query, params=None):
        t0 = time.perf_counter()
        cr.execute(query, params or {})
        print(f"#   {label}: {cr.rowcount} rows in {time.perf_counter() - t0:.1f} s", flush=True)

    products = env["product.product"].create(
        [
            {
                "name": f"{prefix} 批号药品 {i + 1:03d}",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "taxes_id": [(5, 0, 0)],
            }
            for i in range(args.products)
        ]
    )
    uom = products[:1].uom_id.id
    env.flush_all()
    common = {
        "prefix": prefix,
        "company": company.id,
        "uid": env.uid,
        "products": products.ids,
        "nproducts": len(products),
        "nlots": args.lots,
        "ncustomers": args.customers,
        "lines": args.move_lines,
        "per_picking": args.lines_per_picking,
        "stock": stock.id,
        "customer_location": customer_location.id,
        "supplier_location": supplier_location.id,
        "out_type": warehouse.out_type_id.id,
        "in_type": warehouse.in_type_id.id,
        "uom": uom,
    }
    step(
        "lots",
        """
        INSERT INTO stock_lot (name, product_id, company_id, create_uid, write_uid, create_date, write_date)
        SELECT %(prefix)s || '-L' || lpad(k::text, 6, '0'), (%(products)s::int[])[1 + k %% %(nproducts)s],
               %(company)s, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(0, %(nlots)s - 1) k
        """,
        common,
    )
    step(
        "partners",
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, customer_rank, supplier_rank,
                                 autopost_bills, company_id, create_uid, write_uid, create_date, write_date)
        SELECT n, n, TRUE, TRUE, 'contact', CASE WHEN k < %(ncustomers)s THEN 1 ELSE 0 END,
               CASE WHEN k < %(ncustomers)s THEN 0 ELSE 1 END, 'ask', NULL, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(0, %(ncustomers)s + 19) k,
               LATERAL (SELECT %(prefix)s || CASE WHEN k < %(ncustomers)s
                                                  THEN CASE WHEN k %% 4 = 0 THEN ' 医院 ' ELSE ' 大药房 ' END
                                                  ELSE ' 供应商 ' END || k AS n) names
        """,
        common,
    )
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE complete_name LIKE %s", [f"{prefix} %"])
    cr.execute("SELECT MIN(id), MAX(id), COUNT(*) FROM stock_lot WHERE name LIKE %s", [f"{prefix}-L%"])
    lot_first, lot_last, lot_count = cr.fetchone()
    cr.execute("SELECT MIN(id), MAX(id), COUNT(*) FROM res_partner WHERE complete_name LIKE %s", [f"{prefix} %"])
    partner_first, partner_last, partner_count = cr.fetchone()
    assert lot_last - lot_first + 1 == lot_count == args.lots, "lot ids are contiguous"
    assert partner_last - partner_first + 1 == partner_count == args.customers + 20, "partner ids are contiguous"
    common.update(
        lot_first=lot_first, partner_first=partner_first, npickings=-(-args.move_lines // args.lines_per_picking)
    )
    # picking p: p %% 20 = 0 a customer's return, 1..3 a supplier's receipt, else a delivery
    step(
        "pickings",
        """
        INSERT INTO stock_picking (name, partner_id, picking_type_id, location_id, location_dest_id, move_type,
                                   state, company_id, scheduled_date, date, date_done, priority,
                                   create_uid, write_uid, create_date, write_date)
        SELECT %(prefix)s || CASE kind WHEN 'return' THEN '/RET/' WHEN 'receipt' THEN '/IN/' ELSE '/OUT/' END
                   || lpad(p::text, 7, '0'),
               CASE WHEN kind = 'receipt' THEN %(partner_first)s + %(ncustomers)s + p %% 20
                    ELSE %(partner_first)s + (hashint4(p) & 2147483647) %% %(ncustomers)s END,
               CASE WHEN kind = 'delivery' THEN %(out_type)s ELSE %(in_type)s END,
               CASE kind WHEN 'return' THEN %(customer_location)s WHEN 'receipt' THEN %(supplier_location)s
                         ELSE %(stock)s END,
               CASE WHEN kind = 'delivery' THEN %(customer_location)s ELSE %(stock)s END,
               'direct', 'done', %(company)s, d, d, d, '0', %(uid)s, %(uid)s, d, d
          FROM generate_series(0, %(npickings)s - 1) p,
               LATERAL (SELECT CASE WHEN p %% 20 = 0 THEN 'return' WHEN p %% 20 <= 3 THEN 'receipt'
                                    ELSE 'delivery' END AS kind,
                               now() - (p::float / %(npickings)s * interval '730 days') AS d) x
        """,
        common,
    )
    cr.execute("SELECT MIN(id), MAX(id) FROM stock_picking WHERE name LIKE %s", [f"{prefix}/%"])
    picking_first, picking_last = cr.fetchone()
    assert picking_last - picking_first + 1 == common["npickings"], "picking ids are contiguous"
    common.update(picking_first=picking_first)
    step(
        "stock move lines",
        """
        INSERT INTO stock_move_line (picking_id, product_id, product_uom_id, lot_id, location_id, location_dest_id,
                                     quantity, quantity_product_uom, state, picked, company_id, date,
                                     create_uid, write_uid, create_date, write_date)
        SELECT sp.id, (%(products)s::int[])[1 + k %% %(nproducts)s], %(uom)s, %(lot_first)s + k,
               sp.location_id, sp.location_dest_id, q, q, 'done', TRUE, %(company)s, sp.date_done,
               %(uid)s, %(uid)s, sp.date_done, sp.date_done
          FROM generate_series(0, %(lines)s - 1) i
          JOIN stock_picking sp ON sp.id = %(picking_first)s + i / %(per_picking)s,
               LATERAL (SELECT (hashint4(i) & 2147483647) %% %(nlots)s AS k,
                               1 + (hashint4(i + 7) & 2147483647) %% 100 AS q) x
        """,
        common,
    )
    print(f"# dataset {prefix} built in {time.perf_counter() - start:.1f} s", flush=True)
    return {
        "prefix": prefix,
        "move_lines": args.move_lines,
        "lots": args.lots,
        "customers": args.customers,
        "products": args.products,
        "product_ids": products.ids,
        "lot_first": lot_first,
    }


def vacuum(args, tables):
    """VACUUM ANALYZE outside a transaction (the index-only scan needs the visibility map)."""
    odoo = import_odoo()
    import psycopg2  # noqa: PLC0415

    __, info = odoo.sql_db.connection_info_for(args.database)
    conn = psycopg2.connect(**info)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for table in tables:
                t0 = time.perf_counter()
                cur.execute(f"VACUUM ANALYZE {table}")
                print(f"#   VACUUM ANALYZE {table}: {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        conn.close()


def dataset(args):
    wanted = {"move_lines": args.move_lines, "lots": args.lots, "customers": args.customers, "products": args.products}
    with open_env(args) as env:
        recorded = env["ir.config_parameter"].sudo().get_param(PARAM)
        if recorded and not args.regenerate:
            info = json.loads(recorded)
            if all(info.get(key) == value for key, value in wanted.items()):
                print(f"# reusing dataset {info['prefix']}", flush=True)
                return info
        info = build(env, args)
        env["ir.config_parameter"].sudo().set_param(PARAM, json.dumps(info))
    vacuum(args, ["stock_lot", "res_partner", "stock_picking", "stock_move_line"])
    return info


def timed(cr, query, repeat):
    """Execute ``query`` ``repeat`` times; return (best, median, rows)."""
    times, rows = [], []
    for __ in range(repeat):
        t0 = time.perf_counter()
        cr.execute(query)
        rows = cr.fetchall()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), rows


def scan_node(cr, query):
    """The plan lines of the scan of stock_move_line (EXPLAIN ANALYZE), and the execution time."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
    plan = [row[0] for row in cr.fetchall()]
    lines = []
    for n, line in enumerate(plan):
        if "stock_move_line" in line:
            lines.append(line.strip())
            lines += [following.strip() for following in plan[n + 1 : n + 4] if "Heap Fetches" in following]
    lines += [line.strip() for line in plan if line.startswith("Execution Time")]
    return lines


def main():
    args = get_parser().parse_args()
    info = dataset(args)
    with open_env(args, commit=False) as env:
        company = env.ref("base.main_company")
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        cr = env.cr
        cr.execute("SELECT COUNT(*) FROM stock_move_line WHERE lot_id IS NOT NULL AND state = 'done'")
        total_lines = cr.fetchone()[0]
        product_id = info["product_ids"][0]
        cr.execute(
            "SELECT id FROM stock_lot WHERE product_id = %s AND id >= %s ORDER BY id LIMIT %s",
            [product_id, info["lot_first"], args.many_lots],
        )
        many = [row[0] for row in cr.fetchall()]
        one = many[:1]
        cr.execute("SELECT COUNT(*) FROM stock_move_line WHERE lot_id = ANY(%s) AND state = 'done'", [one])
        one_lines = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) FROM stock_move_line WHERE lot_id = ANY(%s) AND state = 'done'", [many])
        many_lines = cr.fetchone()[0]
        Recall = env["crm.pharma.recall"]
        results = {}
        for label, lots in (("one", one), ("many", many)):
            query = Recall._customer_quantities_sql(lots)
            best, median, rows = timed(cr, query, args.repeat)
            results[label] = {"best": best, "median": median, "customers": len(rows), "plan": scan_node(cr, query)}
            recall = Recall.create(
                {"lot_ids": [(6, 0, lots)], "reason": "Benchmark 含量不合格", "level": "2", "company_id": company.id}
            )
            env.flush_all()
            with measure(cr) as find:
                recall.action_find_customers()
            results[label].update(find=find, lines=len(recall.line_ids))

    print(
        f"stock move lines with a lot, done: {total_lines} ({info['lots']} lots of {info['products']} drugs, "
        f"{info['customers']} customers; 80 % deliveries, 5 % returns, 15 % receipts)"
    )
    for label, lots, lines, target in (
        ("one", one, one_lines, TARGET_ONE),
        ("many", many, many_lines, TARGET_MANY),
    ):
        result = results[label]
        print(
            f"{len(lots)} lot(s), {lines} move lines, {result['customers']} customers: query best "
            f"{result['best'] * 1000:.1f} ms, median {result['median'] * 1000:.1f} ms (target <= {target:.0f} s)"
        )
        for plan_line in result["plan"]:
            print(f"    {plan_line}")
        print(
            f"  action_find_customers: {result['find'].seconds * 1000:.1f} ms, {result['find'].queries} queries, "
            f"{result['lines']} recall lines"
        )
    ok = (
        results["one"]["median"] <= TARGET_ONE
        and results["many"]["median"] <= TARGET_MANY
        and results["one"]["find"].seconds <= TARGET_ONE
        and results["many"]["find"].seconds <= TARGET_MANY
        and all(any("Index Only Scan" in line for line in result["plan"]) for result in results.values())
    )
    print("RESULT:", "within targets" if ok else "OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
