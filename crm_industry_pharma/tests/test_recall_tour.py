from odoo.tests import HttpCase, tagged

from .test_recall import RecallCommon


@tagged("post_install", "-at_install")
class TestRecallTour(RecallCommon, HttpCase):
    def test_quality_manager_recalls_a_lot(self):
        """A quality manager recalls lot L20261201: Find Customers lists the
        pharmacy (40 delivered, 15 returned) and the hospital (20), and the
        pharmacy's acknowledgement is recorded."""
        manager = self._user(
            "pharma_recall_qm",
            "stock.group_stock_user,crm_industry_pharma.crm_industry_pharma_group_quality_manager",
        )
        self.start_tour("/odoo/gsp-recalls/new", "crm_pharma_recall_tour", login=manager.login)
        recall = self.env["crm.pharma.recall"].search([("lot_ids", "in", self.lot.ids)])
        self.assertEqual(len(recall), 1)
        self.assertEqual((recall.state, recall.level, recall.user_id), ("open", "1", manager))
        lines = {line.partner_id: line for line in recall.line_ids}
        self.assertEqual(set(lines), {self.pharmacy, self.hospital})
        pharmacy = lines[self.pharmacy]
        self.assertEqual((pharmacy.qty_delivered, pharmacy.qty_returned, pharmacy.qty_outstanding), (40, 15, 25))
        self.assertEqual(
            (pharmacy.state, pharmacy.ack_contact, pharmacy.ack_user_id), ("acknowledged", "李药师", manager)
        )
        self.assertEqual(pharmacy.response, "剩余25盒已封存，下周退回")
        self.assertEqual(lines[self.hospital].state, "to_notify")
