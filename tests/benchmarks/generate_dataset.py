#!/usr/bin/env python3
"""Benchmark dataset generator of the suite: bulk SQL, minutes for millions of rows.

    python3 tests/benchmarks/generate_dataset.py -d bench_db \\
        --customers 100000 --invoices-per-customer 2 --lines-per-invoice 5 \\
        [--refund-ratio 0.05] [--paid-ratio 0.3] [--days 365] \\
        [--orders-per-customer 0] [--order-lines 10] [--draft-orders 0] [--products 50] [--seed 42]

    # the credit benchmark's shape: few customers with 2,000 posted open invoices each
    python3 tests/benchmarks/generate_dataset.py -d bench_credit --customers 10 \\
        --invoices-per-customer 2000 --lines-per-invoice 1 --paid-ratio 0 --refund-ratio 0

The database is created (crm_core_ext, no demo data, generic chart of
accounts) when missing. Every run adds a new batch of customers named
``<prefix> customer <n>`` (``ref`` = ``<prefix>-C<n>``; prefix default
``BENCH<run number>``) in the company given by ``--company-id`` (default:
the main company), with:

* ``res.partner``: companies, ``customer_rank`` 1, ``commercial_partner_id`` = self;
* ``account.move``: posted customer invoices (``out_invoice``) and credit notes
  (``out_refund``, ``--refund-ratio``) in the company's first sale journal, named
  like the ORM does (``INV/2025/000123``, ``RINV/...``, numbers continuing the
  journal's), invoice dates spread over the last ``--days`` days, due 30 days
  later, no tax; ``amount_*`` and ``*_signed`` fields filled (company currency);
  ``--paid-ratio`` of them paid (``payment_state`` 'paid', residual 0);
* ``account.move.line``: ``--lines-per-invoice`` product lines on the journal's
  income account + one receivable line (``display_type`` 'payment_term') on the
  partner's receivable account with ``partner_id``, ``date_maturity``,
  ``amount_residual``, ``reconciled`` and ``parent_state`` 'posted'; every move
  balances;
* ``sale.order`` (+ lines): ``--orders-per-customer`` confirmed orders (state
  'sale', nothing delivered or invoiced, ``invoice_status`` 'to invoice') of
  ``--order-lines`` lines;
* ``--draft-orders``: draft orders created through the ORM (``create_draft_orders``,
  also importable by benchmarks) so that they can be confirmed through the ORM.

Paid invoices have no payment entry: their receivable line is marked
reconciled with a zero residual. Products (``--products``, storable: no;
invoicing policy: ordered quantities) are created through the ORM once and
reused.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_parser, open_env  # noqa: E402

PRODUCT_PREFIX = "Benchmark product"


def get_parser():
    parser = bench_parser(__doc__.split("\n\n")[0])
    parser.description = __doc__
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices-per-customer", type=int, default=2)
    parser.add_argument(
        "--lines-per-invoice",
        type=int,
        default=5,
        help="product lines per invoice (a receivable line is added to each)",
    )
    parser.add_argument("--refund-ratio", type=float, default=0.05, help="share of moves that are credit notes")
    parser.add_argument("--paid-ratio", type=float, default=0.3, help="share of invoices that are paid")
    parser.add_argument("--days", type=int, default=365, help="invoice dates spread over the last DAYS days")
    parser.add_argument("--orders-per-customer", type=int, default=0, help="confirmed, not invoiced orders")
    parser.add_argument("--order-lines", type=int, default=10, help="lines per sale order")
    parser.add_argument("--draft-orders", type=int, default=0, help="draft orders created through the ORM")
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--company-id", type=int, help="company (default: the main company)")
    parser.add_argument("--prefix", help="name prefix of this batch (default: BENCH<n>)")
    parser.add_argument("--seed", type=float, default=0.42, help="PostgreSQL setseed() value in [-1, 1]")
    return parser


def ensure_products(env, count, company=None):
    """Return ``count`` saleable benchmark products (created through the ORM when missing)."""
    Product = env["product.product"].with_context(active_test=False)
    products = Product.search([("name", "=like", f"{PRODUCT_PREFIX} %")], order="id")
    missing = count - len(products)
    if missing > 0:
        start = len(products) + 1
        products |= Product.create(
            [
                {
                    "name": f"{PRODUCT_PREFIX} {start + i}",
                    "type": "consu",
                    "list_price": round(10 + (start + i) * 7.5 % 990, 2),
                    "standard_price": 5.0,
                    "sale_ok": True,
                    "invoice_policy": "order",
                    "taxes_id": [(5, 0, 0)],
                }
                for i in range(missing)
            ]
        )
    return products[:count]


def create_draft_orders(env, partners, lines=10, products=None, company=None):
    """Create one draft sale order of ``lines`` lines per partner through the ORM."""
    company = company or env.company
    products = products or ensure_products(env, max(lines, 10))
    SaleOrder = env["sale.order"].with_company(company)
    return SaleOrder.create(
        [
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": products[(partner.id + i) % len(products)].id,
                            "product_uom_qty": 1 + (partner.id + i) % 5,
                            "tax_id": [(5, 0, 0)],
                        },
                    )
                    for i in range(lines)
                ],
            }
            for partner in partners
        ]
    )


def _accounts(env, company):
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], order="sequence, id", limit=1
    )
    if not journal:
        sys.exit(f"Company {company.name} has no sale journal: install a chart of accounts first.")
    income = journal.default_account_id
    receivable = env["res.partner"].with_company(company).new({}).property_account_receivable_id
    if not receivable:
        receivable = env["account.account"].search(
            [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)], limit=1
        )
    return journal, income, receivable


def generate(
    env,
    customers,
    invoices_per_customer,
    lines_per_invoice,
    refund_ratio=0.05,
    paid_ratio=0.3,
    days=365,
    orders_per_customer=0,
    order_lines=10,
    draft_orders=0,
    products=50,
    company=None,
    prefix=None,
    seed=0.42,
    verbose=True,
):
    """Generate one batch; return a dict of what was created (partner ids range etc.)."""
    cr = env.cr
    company = company or env.ref("base.main_company")
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    journal, income, receivable = _accounts(env, company)
    product_recs = ensure_products(env, max(products, order_lines, 1), company)
    uom_id = product_recs[:1].uom_id.id
    if not prefix:
        cr.execute("SELECT COUNT(DISTINCT split_part(ref, '-C', 1)) FROM res_partner WHERE ref ~ '^BENCH[0-9]+-C'")
        prefix = f"BENCH{cr.fetchone()[0] + 1}"
    env.flush_all()
    timings = {}

    def step(name, query, params=None):
        start = time.perf_counter()
        cr.execute(query, params or {})
        timings[name] = timings.get(name, 0) + time.perf_counter() - start
        if verbose:
            print(f"  {name}: {cr.rowcount} rows, {time.perf_counter() - start:.1f} s", flush=True)

    params = {
        "n": customers,
        "m": invoices_per_customer,
        "k": lines_per_invoice,
        "refund": refund_ratio,
        "paid": paid_ratio,
        "days": max(days, 1),
        "prefix": prefix,
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "income": income.id,
        "receivable": receivable.id,
        "uid": env.uid,
        "products": product_recs.ids,
        "uom": uom_id,
        "o": orders_per_customer,
        "ol": order_lines,
        "seed": seed,
    }
    if verbose:
        print(
            f"# batch {prefix}: {customers} customers x {invoices_per_customer} moves x "
            f"{lines_per_invoice}+1 lines, {orders_per_customer} orders x {order_lines} lines",
            flush=True,
        )
    cr.execute("SELECT setseed(%(seed)s)", params)
    # Bulk load: skip the per-row foreign-key triggers (the generator writes
    # consistent references) when the role may do so (superuser), for this
    # transaction only.
    try:
        with cr.savepoint(flush=False):
            cr.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - not a superuser: keep the checks, only slower
        if verbose:
            print("  (foreign-key checks kept: the role cannot set session_replication_role)", flush=True)
    cr.execute("DROP TABLE IF EXISTS bench_partner, bench_move, bench_line, bench_order, bench_order_line")

    # 1. customers
    step(
        "res_partner",
        """
        CREATE TEMP TABLE bench_partner ON COMMIT DROP AS
        SELECT nextval('res_partner_id_seq') AS id, g AS n FROM generate_series(1, %(n)s) g;
        INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, ref, active, is_company, type,
                                 customer_rank, supplier_rank, autopost_bills, lang, email,
                                 create_uid, create_date, write_uid, write_date)
        SELECT id, id, %(prefix)s || ' customer ' || n, %(prefix)s || ' customer ' || n, %(prefix)s || '-C' || n,
               TRUE, TRUE, 'contact', 1, 0, 'ask', 'en_US', lower(%(prefix)s) || '.c' || n || '@example.com',
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_partner;
    """,
        params,
    )

    # 2. moves: type, date, paid; names continue the journal's ORM sequences
    step(
        "plan moves",
        """
        CREATE TEMP TABLE bench_move ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq') AS id, p.id AS partner_id, p.n, g AS k,
               CASE WHEN random() < %(refund)s THEN 'out_refund' ELSE 'out_invoice' END AS move_type,
               (CURRENT_DATE - floor(random() * %(days)s)::int) AS invoice_date,
               random() < %(paid)s AS paid
          FROM bench_partner p, generate_series(1, %(m)s) g;
        ALTER TABLE bench_move ADD COLUMN total numeric, ADD COLUMN seq_prefix varchar, ADD COLUMN seq_number int;
        CREATE TEMP TABLE bench_line ON COMMIT DROP AS
        SELECT m.id AS move_id, j AS seq,
               (1 + floor(random() * 10))::int AS qty,
               round((5 + random() * 200)::numeric, 2) AS price,
               (%(products)s::int[])[1 + floor(random() * array_length(%(products)s::int[], 1))::int] AS product_id
          FROM bench_move m, generate_series(1, %(k)s) j;
        UPDATE bench_move m SET total = t.total
          FROM (SELECT move_id, SUM(qty * price) AS total FROM bench_line GROUP BY move_id) t
         WHERE t.move_id = m.id;
        UPDATE bench_move m SET total = 0 WHERE total IS NULL;
        UPDATE bench_move m
           SET seq_prefix = s.pfx,
               seq_number = s.rn + COALESCE((SELECT MAX(am.sequence_number) FROM account_move am
                                              WHERE am.journal_id = %(journal)s AND am.sequence_prefix = s.pfx), 0)
          FROM (SELECT id, CASE move_type WHEN 'out_refund' THEN 'RINV/' ELSE 'INV/' END
                           || extract(year FROM invoice_date)::int || '/' AS pfx,
                       ROW_NUMBER() OVER (PARTITION BY move_type, extract(year FROM invoice_date)
                                          ORDER BY invoice_date, id) AS rn
                  FROM bench_move) s
         WHERE s.id = m.id;
    """,
        params,
    )

    step(
        "account_move",
        """
        INSERT INTO account_move (id, name, sequence_prefix, sequence_number, journal_id, company_id, currency_id,
                                  date, invoice_date, invoice_date_due, state, move_type, auto_post,
                                  partner_id, commercial_partner_id, invoice_partner_display_name,
                                  amount_untaxed, amount_tax, amount_total, amount_residual,
                                  amount_untaxed_signed, amount_untaxed_in_currency_signed, amount_tax_signed,
                                  amount_total_signed, amount_total_in_currency_signed, amount_residual_signed,
                                  payment_state, invoice_currency_rate, posted_before, is_move_sent, checked,
                                  made_sequence_gap, always_tax_exigible, is_manually_modified,
                                  create_uid, create_date, write_uid, write_date)
        SELECT m.id, m.seq_prefix || lpad(m.seq_number::text, 6, '0'), m.seq_prefix, m.seq_number,
               %(journal)s, %(company)s, %(currency)s,
               m.invoice_date, m.invoice_date, m.invoice_date + 30, 'posted', m.move_type, 'no',
               m.partner_id, m.partner_id, %(prefix)s || ' customer ' || m.n,
               m.total, 0, m.total, CASE WHEN m.paid THEN 0 ELSE m.total END,
               s.sign * m.total, s.sign * m.total, 0,
               s.sign * m.total, s.sign * m.total, CASE WHEN m.paid THEN 0 ELSE s.sign * m.total END,
               CASE WHEN m.paid THEN 'paid' ELSE 'not_paid' END, 1, TRUE, FALSE, TRUE,
               FALSE, FALSE, FALSE,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_move m
          CROSS JOIN LATERAL (SELECT CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign) s
    """,
        params,
    )

    # 3. lines: income lines (credit on invoices) + one receivable line (debit on invoices)
    step(
        "account_move_line (product)",
        """
        INSERT INTO account_move_line (move_id, move_name, sequence, date, invoice_date, parent_state, journal_id,
                                       company_id, company_currency_id, currency_id, account_id, partner_id,
                                       product_id, product_uom_id, name, display_type, quantity, price_unit,
                                       discount, price_subtotal, price_total, balance, debit, credit,
                                       amount_currency, amount_residual, amount_residual_currency, reconciled,
                                       tax_tag_invert, create_uid, create_date, write_uid, write_date)
        SELECT l.move_id, m.seq_prefix || lpad(m.seq_number::text, 6, '0'), 10 * l.seq, m.invoice_date,
               m.invoice_date, 'posted', %(journal)s, %(company)s, %(currency)s, %(currency)s, %(income)s,
               m.partner_id, l.product_id, %(uom)s, 'Benchmark product line', 'product', l.qty, l.price,
               0, l.qty * l.price, l.qty * l.price, -s.sign * l.qty * l.price,
               CASE WHEN s.sign < 0 THEN l.qty * l.price ELSE 0 END,
               CASE WHEN s.sign > 0 THEN l.qty * l.price ELSE 0 END,
               -s.sign * l.qty * l.price, 0, 0, FALSE, s.sign > 0,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_line l
          JOIN bench_move m ON m.id = l.move_id
          CROSS JOIN LATERAL (SELECT CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign) s
    """,
        params,
    )
    step(
        "account_move_line (receivable)",
        """
        INSERT INTO account_move_line (move_id, move_name, sequence, date, invoice_date, parent_state, journal_id,
                                       company_id, company_currency_id, currency_id, account_id, partner_id,
                                       name, display_type, date_maturity, quantity, price_unit, discount,
                                       price_subtotal, price_total, balance, debit, credit, amount_currency,
                                       amount_residual, amount_residual_currency, reconciled, tax_tag_invert,
                                       create_uid, create_date, write_uid, write_date)
        SELECT m.id, m.seq_prefix || lpad(m.seq_number::text, 6, '0'), 10000, m.invoice_date, m.invoice_date,
               'posted', %(journal)s, %(company)s, %(currency)s, %(currency)s, %(receivable)s, m.partner_id,
               m.seq_prefix || lpad(m.seq_number::text, 6, '0'), 'payment_term', m.invoice_date + 30, 1, 0, 0,
               0, 0, s.sign * m.total,
               CASE WHEN s.sign > 0 THEN m.total ELSE 0 END,
               CASE WHEN s.sign < 0 THEN m.total ELSE 0 END,
               s.sign * m.total,
               CASE WHEN m.paid THEN 0 ELSE s.sign * m.total END,
               CASE WHEN m.paid THEN 0 ELSE s.sign * m.total END,
               m.paid, FALSE,
               %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
          FROM bench_move m
          CROSS JOIN LATERAL (SELECT CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign) s
    """,
        params,
    )

    # 4. confirmed sale orders, nothing delivered or invoiced
    if orders_per_customer:
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        params["warehouse"] = warehouse.id or None
        params["pricelist"] = (
            env["product.pricelist"].search([("company_id", "in", [company.id, False])], limit=1).id or None
        )
        step(
            "sale_order",
            """
            CREATE TEMP TABLE bench_order ON COMMIT DROP AS
            SELECT nextval('sale_order_id_seq') AS id, p.id AS partner_id,
                   (NOW() AT TIME ZONE 'UTC') - floor(random() * %(days)s) * INTERVAL '1 day' AS date_order
              FROM bench_partner p, generate_series(1, %(o)s) g;
            CREATE TEMP TABLE bench_order_line ON COMMIT DROP AS
            SELECT o.id AS order_id, j AS seq, (1 + floor(random() * 5))::int AS qty,
                   round((5 + random() * 200)::numeric, 2) AS price,
                   (%(products)s::int[])[1 + floor(random() * array_length(%(products)s::int[], 1))::int] AS product_id
              FROM bench_order o, generate_series(1, %(ol)s) j;
            INSERT INTO sale_order (id, name, partner_id, partner_invoice_id, partner_shipping_id, company_id,
                                    currency_id, pricelist_id, warehouse_id, date_order, state, picking_policy,
                                    invoice_status, amount_untaxed, amount_tax, amount_total, currency_rate,
                                    require_signature, require_payment, prepayment_percent, locked, user_id,
                                    create_uid, create_date, write_uid, write_date)
            SELECT o.id, %(prefix)s || '/S' || lpad(o.id::text, 8, '0'), o.partner_id, o.partner_id, o.partner_id,
                   %(company)s, %(currency)s, %(pricelist)s, %(warehouse)s, o.date_order, 'sale', 'direct',
                   'to invoice', t.total, 0, t.total, 1, FALSE, FALSE, 1.0, FALSE, %(uid)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM bench_order o
              JOIN (SELECT order_id, SUM(qty * price) AS total FROM bench_order_line GROUP BY order_id) t
                ON t.order_id = o.id;
        """,
            params,
        )
        step(
            "sale_order_line",
            """
            INSERT INTO sale_order_line (order_id, sequence, name, product_id, product_uom, product_uom_qty,
                                         price_unit, technical_price_unit, discount, price_subtotal, price_tax,
                                         price_total, price_reduce_taxexcl, price_reduce_taxinc, customer_lead,
                                         company_id, currency_id, order_partner_id, salesman_id, state,
                                         invoice_status, qty_delivered, qty_delivered_method, qty_invoiced,
                                         qty_to_invoice, untaxed_amount_invoiced, untaxed_amount_to_invoice,
                                         warehouse_id, create_uid, create_date, write_uid, write_date)
            SELECT l.order_id, 10 * l.seq, 'Benchmark product line', l.product_id, %(uom)s, l.qty,
                   l.price, l.price, 0, l.qty * l.price, 0,
                   l.qty * l.price, l.price, l.price, 0,
                   %(company)s, %(currency)s, o.partner_id, %(uid)s, 'sale',
                   'to invoice', 0, 'stock_move', 0,
                   l.qty, 0, l.qty * l.price,
                   %(warehouse)s, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM bench_order_line l
              JOIN bench_order o ON o.id = l.order_id
        """,
            params,
        )

    cr.execute("SET LOCAL session_replication_role = DEFAULT")
    start = time.perf_counter()
    for table in ("res_partner", "account_move", "account_move_line", "sale_order", "sale_order_line"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    timings["analyze"] = time.perf_counter() - start
    cr.execute("SELECT MIN(id), MAX(id) FROM bench_partner")
    first, last = cr.fetchone()
    env.invalidate_all()

    orders = env["sale.order"]
    if draft_orders:
        start = time.perf_counter()
        partners = env["res.partner"].browse(range(first, first + min(draft_orders, customers)))
        orders = create_draft_orders(env, partners, lines=order_lines, products=product_recs, company=company)
        env.flush_all()
        timings["draft orders (ORM)"] = time.perf_counter() - start
        if verbose:
            print(f"  draft orders (ORM): {len(orders)} orders, {timings['draft orders (ORM)']:.1f} s", flush=True)
    return {
        "prefix": prefix,
        "company_id": company.id,
        "partner_ids": (first, last),
        "moves": customers * invoices_per_customer,
        "lines": customers * invoices_per_customer * (lines_per_invoice + 1),
        "draft_order_ids": orders.ids,
        "timings": timings,
    }


def main():
    args = get_parser().parse_args()
    start = time.perf_counter()
    with open_env(args) as env:
        company = env["res.company"].browse(args.company_id) if args.company_id else None
        result = generate(
            env,
            args.customers,
            args.invoices_per_customer,
            args.lines_per_invoice,
            refund_ratio=args.refund_ratio,
            paid_ratio=args.paid_ratio,
            days=args.days,
            orders_per_customer=args.orders_per_customer,
            order_lines=args.order_lines,
            draft_orders=args.draft_orders,
            products=args.products,
            company=company,
            prefix=args.prefix,
            seed=args.seed,
        )
    print(
        f"# batch {result['prefix']}: partners {result['partner_ids'][0]}..{result['partner_ids'][1]}, "
        f"{result['moves']} posted moves, {result['lines']} move lines, "
        f"{len(result['draft_order_ids'])} draft orders; {time.perf_counter() - start:.1f} s in all"
    )


if __name__ == "__main__":
    main()
