"""Indexes on the host's stock tables that several modules of the suite read by."""

from odoo.tools import SQL

# Done move lines with a lot, with every column the suite's lot queries read
# (crm_industry_pharma's recall: who received a lot; crm_channel_mgmt's
# anti-diversion: which dealer a lot was delivered to), so that those queries
# are index-only scans whatever the size of stock_move_line. One index for all
# of them: each module that reads by it creates it in its ``init`` (install and
# update), and a second module finds it there.
LOT_DONE_INDEX = "crm_stock_move_line_lot_done_index"


def ensure_lot_done_index(cr, *former_names):
    """Create :data:`LOT_DONE_INDEX` unless it exists; drop the indexes named
    ``former_names`` (a module's own copy of it, from its earlier versions)."""
    for name in former_names:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    cr.execute(
        SQL(
            """
            CREATE INDEX IF NOT EXISTS %(name)s
                ON stock_move_line (lot_id)
                   INCLUDE (company_id, picking_id, location_id, location_dest_id, quantity_product_uom)
             WHERE lot_id IS NOT NULL AND state = 'done'
            """,
            name=SQL.identifier(LOT_DONE_INDEX),
        )
    )
