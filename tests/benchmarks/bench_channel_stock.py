#!/usr/bin/env python3
"""Benchmark of the channel stock analysis (crm_channel_mgmt, 渠道库存).

    python3 tests/benchmarks/bench_channel_stock.py -d h_bench_channel_stock [--dealers 1000] [--products 500]
    # or, with the runner's Odoo and addons path:
    python3 tests/runner/suite.py bench channel_stock -d h_bench_channel_stock

Not part of the test suite. It
1. builds, once (committed, reused by later runs; ``--regenerate`` builds it
   again), a dataset set-based in SQL: ``--dealers`` dealers (through the ORM)
   and ``--products`` products (a fifth tracked by lot, 20 lots each); per
   dealer, ``--pickings`` done deliveries of 10 move lines each from the stock
   to the customers' location (about 100 products per dealer, with their
   lots), one return picking with a twentieth of that, a report per month of
   the last ``--months`` months with ``--report-lines`` lines each, and 20
   channel stock adjustments; then ANALYZE;
2. refreshes the stored channel stock (``_crm_refresh``) for the whole
   dataset, as the nightly job does, and times it;
3. opens the channel stock as a channel user does in the web client, with the
   action's default filter (in stock): the list (``web_search_read`` of 80
   rows and the count), the pivot by dealer, by product, in the view's
   default layout (dealer rows, product category columns) and dealer x
   product (every cell, about 100,000); each pivot as the web client reads
   it, one ``read_group`` for the total, the rows, the columns and the
   cells; each once on the stored channel stock and once on the live view
   over the same movements (``_crm_live_query``, the SQL view the analysis
   used before);
4. prints times and SQL queries of each; exits 1 when a pivot on the stored
   channel stock takes more than 2 s (dealer x product, whose 100,000 groups
   Odoo's ``read_group`` formats one by one in Python, is reported only).
"""

import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, measure, open_env  # noqa: E402

TARGET_SECONDS = 2.0
PREFIX = "渠道库存基准"
TRACKED_SHARE = 5  # one product in 5 is tracked by lot
LOTS_PER_PRODUCT = 20
PRODUCTS_PER_DEALER = 100


def get_parser():
    parser = bench_parser("Channel stock pivot: stored aggregates against the live view")
    parser.description = __doc__
    parser.set_defaults(modules="crm_channel_mgmt")
    parser.add_argument("--dealers", type=int, default=1000)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--pickings", type=int, default=20, help="done deliveries per dealer (10 move lines each)")
    parser.add_argument("--months", type=int, default=12, help="monthly sell-through reports per dealer")
    parser.add_argument("--report-lines", type=int, default=25, help="lines per report")
    parser.add_argument("--regenerate", action="store_true", help="build the dataset again")
    return parser


def build(env, args):
    """The dataset, set-based; returns the dealers."""
    cr = env.cr
    company = env.company
    cn_states = env["res.country.state"].search([("country_id.code", "=", "CN")])
    level = env["crm.channel.level"].create({"name": f"{PREFIX} 经销商"})
    dealers = env["res.partner"].create(
        [
            {
                "name": f"{PREFIX}经销商 {index:04d}",
                "is_company": True,
                "crm_channel_is_dealer": True,
                "crm_channel_level_id": level.id,
                "country_id": env.ref("base.cn").id,
                "state_id": cn_states[index % len(cn_states)].id,
            }
            for index in range(args.dealers)
        ]
    )
    categories = env["product.category"].create([{"name": f"{PREFIX} 类别 {index}"} for index in range(10)])
    products = env["product.product"].create(
        [
            {
                "name": f"{PREFIX}产品 {index:04d}",
                "default_code": f"CS-{index:04d}",
                "type": "consu",
                "is_storable": True,
                "categ_id": categories[index % len(categories)].id,
                "tracking": "lot" if index % TRACKED_SHARE == 0 else "none",
            }
            for index in range(args.products)
        ]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    params = {
        "company": company.id,
        "stock": warehouse.lot_stock_id.id,
        "customers": env.ref("stock.stock_location_customers").id,
        "out_type": warehouse.out_type_id.id,
        "in_type": warehouse.in_type_id.id,
        "products": args.products,
        "per_dealer": PRODUCTS_PER_DEALER,
        "lots": LOTS_PER_PRODUCT,
        "pickings": args.pickings,
        "months": args.months,
        "report_lines": args.report_lines,
        "level": level.id,
    }
    cr.execute(
        """
        CREATE TEMP TABLE b_dealer AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, state_id FROM res_partner WHERE id = ANY(%s);
        CREATE TEMP TABLE b_product AS
        SELECT row_number() OVER (ORDER BY pp.id) - 1 AS n, pp.id, pt.uom_id, pt.tracking = 'lot' AS tracked
          FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id WHERE pp.id = ANY(%s);
        """,
        [dealers.ids, products.ids],
    )
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, company_id, create_uid, create_date, write_uid, write_date)
        SELECT 'CS' || p.n || '-' || g, p.id, %(company)s, 1, now(), 1, now()
          FROM b_product p, generate_series(0, %(lots)s - 1) g WHERE p.tracked;
        CREATE TEMP TABLE b_lot AS
        SELECT l.product_id, row_number() OVER (PARTITION BY l.product_id ORDER BY l.id) - 1 AS n, l.id
          FROM stock_lot l JOIN b_product p ON p.id = l.product_id;
        CREATE INDEX ON b_lot (product_id, n);
        CREATE INDEX ON b_product (n);
        """,
        params,
    )
    # deliveries: pickings, then their moves and move lines (10 per picking), and a return per dealer
    cr.execute(
        """
        CREATE TEMP TABLE b_picking AS
        SELECT nextval('stock_picking_id_seq') AS id, d.n AS dealer_n, d.id AS dealer_id, g,
               g >= %(pickings)s AS back, now() - make_interval(days => (g * 17) %% 365) AS ts
          FROM b_dealer d, generate_series(0, %(pickings)s) g;
        INSERT INTO stock_picking (id, name, state, picking_type_id, location_id, location_dest_id, partner_id,
                                   company_id, move_type, date_done, scheduled_date, date,
                                   create_uid, create_date, write_uid, write_date)
        SELECT id, 'CSB/' || dealer_n || '/' || g, 'done', CASE WHEN back THEN %(in_type)s ELSE %(out_type)s END,
               CASE WHEN back THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN back THEN %(stock)s ELSE %(customers)s END,
               dealer_id, %(company)s, 'direct', ts, ts, ts, 1, now(), 1, now()
          FROM b_picking;
        CREATE TEMP TABLE b_move AS
        SELECT nextval('stock_move_id_seq') AS id, pk.id AS picking_id, pk.dealer_id, pk.back, pk.ts,
               p.id AS product_id, p.uom_id, l.id AS lot_id,
               CASE WHEN pk.back THEN 5 ELSE 100 END AS quantity
          FROM b_picking pk
          CROSS JOIN generate_series(0, 9) k
          JOIN b_product p
            ON p.n = (pk.dealer_n * 7 + ((pk.g * 10 + k) %% %(per_dealer)s) * 5) %% %(products)s
          LEFT JOIN b_lot l ON p.tracked AND l.product_id = p.id AND l.n = (pk.dealer_n + pk.g) %% %(lots)s
         WHERE NOT pk.back OR k < 5;
        INSERT INTO stock_move (id, name, company_id, product_id, product_uom, location_id, location_dest_id,
                                procure_method, product_uom_qty, quantity, date, state, picking_id, partner_id,
                                picking_type_id, create_uid, create_date, write_uid, write_date)
        SELECT id, 'CSB', %(company)s, product_id, uom_id,
               CASE WHEN back THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN back THEN %(stock)s ELSE %(customers)s END,
               'make_to_stock', quantity, quantity, ts, 'done', picking_id, dealer_id,
               CASE WHEN back THEN %(in_type)s ELSE %(out_type)s END, 1, now(), 1, now()
          FROM b_move;
        INSERT INTO stock_move_line (company_id, product_uom_id, location_id, location_dest_id, date, move_id,
                                     picking_id, product_id, lot_id, quantity, quantity_product_uom, state, picked,
                                     create_uid, create_date, write_uid, write_date)
        SELECT %(company)s, uom_id,
               CASE WHEN back THEN %(customers)s ELSE %(stock)s END,
               CASE WHEN back THEN %(stock)s ELSE %(customers)s END,
               ts, id, picking_id, product_id, lot_id, quantity, quantity, 'done', TRUE, 1, now(), 1, now()
          FROM b_move;
        """,
        params,
    )
    # sell-through: a report per dealer and month, its lines on the products the dealer received
    cr.execute(
        """
        CREATE TEMP TABLE b_report AS
        SELECT nextval('crm_channel_sellthrough_id_seq') AS id, d.n AS dealer_n, d.id AS dealer_id, d.state_id, m,
               (date_trunc('month', CURRENT_DATE) - make_interval(months => m))::date AS date_from
          FROM b_dealer d, generate_series(0, %(months)s - 1) m;
        INSERT INTO crm_channel_sellthrough (id, name, partner_id, company_id, source, date_from, date_to,
                                             create_uid, create_date, write_uid, write_date)
        SELECT id, 'CSB ' || dealer_n || ' ' || date_from, dealer_id, %(company)s, 'import', date_from,
               (date_from + interval '1 month - 1 day')::date, 1, now(), 1, now()
          FROM b_report;
        INSERT INTO crm_channel_sellthrough_line (report_id, partner_id, company_id, channel_level_id, date,
                                                  product_id, lot_id, quantity, price_unit, amount, customer_name,
                                                  state_id, create_uid, create_date, write_uid, write_date)
        SELECT r.id, r.dealer_id, %(company)s, %(level)s, r.date_from + (j %% 28), p.id, l.id, 3, 12.5, 37.5,
               '终端客户 ' || (j %% 50), r.state_id, 1, now(), 1, now()
          FROM b_report r
          CROSS JOIN generate_series(0, %(report_lines)s - 1) j
          JOIN b_product p
            ON p.n = (r.dealer_n * 7 + ((r.m * %(report_lines)s + j) %% %(per_dealer)s) * 5) %% %(products)s
          LEFT JOIN b_lot l ON p.tracked AND l.product_id = p.id
                           AND l.n = (r.dealer_n + (r.m * %(report_lines)s + j) %% %(per_dealer)s / 10)
                                     %% %(lots)s;
        INSERT INTO crm_channel_stock_adjustment (partner_id, product_id, lot_id, quantity, date, reason, company_id,
                                                  create_uid, create_date, write_uid, write_date)
        SELECT d.id, p.id, NULL, CASE WHEN g %% 3 = 0 THEN -2 ELSE 4 END, CURRENT_DATE - g * 11, '盘点', %(company)s,
               1, now(), 1, now()
          FROM b_dealer d CROSS JOIN generate_series(0, 19) g
          JOIN b_product p ON p.n = (d.n * 7 + (g * 5 + 1) * 5) %% %(products)s AND NOT p.tracked;
        """,
        params,
    )
    for table in (
        "stock_lot",
        "stock_picking",
        "stock_move",
        "stock_move_line",
        "crm_channel_sellthrough",
        "crm_channel_sellthrough_line",
        "crm_channel_stock_adjustment",
        "res_partner",
    ):
        cr.execute(f"ANALYZE {table}")  # noqa: S608  # table names are constants
    env.invalidate_all()
    return dealers


def counts(env):
    cr = env.cr
    result = {}
    for table in ("stock_move_line", "crm_channel_sellthrough_line", "crm_channel_stock_adjustment"):
        cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  # constant names
        result[table] = cr.fetchone()[0]
    return result


@contextmanager
def live_view(env):
    """Make ``crm.channel.stock`` read the live SQL view for the block (the analysis before stored aggregates)."""
    model = type(env["crm.channel.stock"])
    if not hasattr(model, "_crm_live_query"):  # before stored aggregates: the model is the live view
        yield
        return
    stored = model._table_query
    model._table_query = property(lambda self: self._crm_live_query())
    try:
        yield
    finally:
        model._table_query = stored


# name: (groupings of the rows, of the columns, whether the 2 s target applies)
PIVOTS = {
    "pivot by dealer": ("partner_id", None, True),
    "pivot by product": ("product_id", None, True),
    "pivot dealer x category (the view's default)": ("partner_id", "product_categ_id", True),
    # every dealer x product cell (about 100,000): Odoo's read_group formats each group in Python
    "pivot dealer x product": ("partner_id", "product_id", False),
}


def open_analysis(env, user, label):
    """The web client's calls when the user opens the list, then each pivot; returns {name: Measure}."""
    Stock = env["crm.channel.stock"].with_user(user)
    domain = [("quantity", ">", 0)]
    results = {}
    env.invalidate_all()
    with measure(env.cr, f"{label}: list (80 rows and the count)") as result:
        Stock.web_search_read(
            domain, {"partner_id": {"fields": {"display_name": {}}}, "product_id": {}, "quantity": {}}, limit=80
        )
        Stock.search_count(domain)
    results["list"] = result
    print(result, flush=True)
    for name, (row, col, _target) in PIVOTS.items():
        env.invalidate_all()
        # the pivot reads the total, the rows, the columns and the cells: one read_group each
        groupbys = [[], [row], [col], [row, col]] if col else [[], [row]]
        with measure(env.cr, f"{label}: {name}") as result:
            groups = sum(len(Stock.read_group(domain, ["quantity:sum"], groupby, lazy=False)) for groupby in groupbys)
        results[name] = result
        print(f"{result} ({groups} groups in {len(groupbys)} read_group calls)", flush=True)
    return results


def main():
    args = get_parser().parse_args()
    with open_env(args) as env:
        dealers = env["res.partner"].search([("name", "=like", f"{PREFIX}经销商 %")])
        if args.regenerate or len(dealers) != args.dealers:
            if dealers:
                sys.exit(f"the dataset exists with {len(dealers)} dealers: use another database")
            start = time.perf_counter()
            dealers = build(env, args)
            print(f"# dataset built in {time.perf_counter() - start:.1f} s", flush=True)
        else:
            print(f"# reusing the dataset of {len(dealers)} dealers", flush=True)
        print(f"# rows: {counts(env)}", flush=True)
        Stock = env["crm.channel.stock"]
        refresh = getattr(Stock, "_crm_refresh", None)
        if refresh:
            with measure(env.cr, "refresh of the whole stored channel stock (the nightly job)") as result:
                refresh()
            print(result, flush=True)
            env.cr.execute("ANALYZE crm_channel_stock_total")
        env.cr.commit()
        user = env["res.users"].search([("login", "=", "bench_channel_stock")])
        if not user:
            groups = env.ref("sales_team.group_sale_salesman") | env.ref("crm_channel_mgmt.crm_channel_mgmt_group_user")
            user = env["res.users"].create(
                {"name": "渠道库存基准用户", "login": "bench_channel_stock", "groups_id": [(6, 0, groups.ids)]}
            )
            env.cr.commit()
        stored = open_analysis(env, user, "stored") if refresh else {}
        with live_view(env):
            live = open_analysis(env, user, "live view")
        env.cr.rollback()

    ok = True
    for name, (_row, _col, target) in PIVOTS.items():
        if name in stored:
            met = stored[name].seconds <= TARGET_SECONDS
            ok &= met or not target
            print(
                f"{name}: stored {stored[name].seconds:.2f} s ({stored[name].queries} queries), live view "
                f"{live[name].seconds:.2f} s ({live[name].queries} queries): "
                f"{live[name].seconds / max(stored[name].seconds, 1e-6):.0f}x; target <= {TARGET_SECONDS} s "
                f"{'met' if met else 'missed'}{'' if target else ' (not a target: 100,000 cells)'}"
            )
        else:
            ok &= live[name].seconds <= TARGET_SECONDS or not target
            print(f"{name}: live view {live[name].seconds:.2f} s (target <= {TARGET_SECONDS} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
