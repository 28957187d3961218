def migrate(cr, version):
    """A recall named one lot (``lot_id``); it now names several
    (``lot_ids``): carry each recall's lot over."""
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'crm_pharma_recall' AND column_name = 'lot_id'
        """
    )
    if not cr.fetchone():
        return
    cr.execute(
        """
        INSERT INTO crm_pharma_recall_lot_rel (recall_id, lot_id)
        SELECT id, lot_id FROM crm_pharma_recall WHERE lot_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """
    )
