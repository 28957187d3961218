import base64
import io

from openpyxl import Workbook

from odoo import Command, fields

from .common import ChannelCommon

HEADER = ("销售日期", "产品编码", "产品名称", "批号", "数量", "单价", "客户名称", "省份", "城市")


class SellthroughCommon(ChannelCommon):
    """ChannelCommon plus two lot-tracked, storable products, deliveries of
    lots to the Shanghai and Jiangsu dealers (A2698 goes to no dealer), and
    a report period (the current month)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.amoxicillin.write({"is_storable": True, "tracking": "lot", "default_code": "AMX-250"})
        cls.banlangen.write({"is_storable": True, "tracking": "lot", "default_code": "BLG-10"})
        Lot = cls.env["stock.lot"]
        cls.lot_a1 = Lot.create({"name": "A2601", "product_id": cls.amoxicillin.id, "company_id": cls.company.id})
        cls.lot_a2 = Lot.create({"name": "A2602", "product_id": cls.amoxicillin.id, "company_id": cls.company.id})
        cls.lot_b1 = Lot.create({"name": "B2601", "product_id": cls.banlangen.id, "company_id": cls.company.id})
        # a lot we never delivered to any dealer
        cls.lot_a9 = Lot.create({"name": "A2698", "product_id": cls.amoxicillin.id, "company_id": cls.company.id})
        cls.date_from = cls.today.replace(day=1)
        cls.date_to = fields.Date.end_of(cls.today, "month")
        cls._ship(cls.dealer_sh, cls.amoxicillin, 100, cls.lot_a1)
        cls._ship(cls.dealer_sh, cls.banlangen, 50, cls.lot_b1)
        cls._ship(cls.dealer_js, cls.amoxicillin, 30, cls.lot_a2)

    @classmethod
    def _ship(cls, dealer, product, quantity, lot, back=False):
        """A done delivery of ``quantity`` of ``lot`` to ``dealer`` (a return from it when ``back``)."""
        source, dest = (
            (cls.customer_location, cls.stock_location) if back else (cls.stock_location, cls.customer_location)
        )
        if not back:
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, quantity, lot_id=lot)
        picking_type = cls.warehouse.in_type_id if back else cls.warehouse.out_type_id
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": dealer.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_id": lot.id,
                            "quantity": quantity,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                            "picking_id": picking.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        picking._action_done()
        return picking

    @classmethod
    def _workbook(cls, rows, header=HEADER):
        book = Workbook()
        sheet = book.active
        sheet.title = "流向明细"
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        output = io.BytesIO()
        book.save(output)
        return base64.b64encode(output.getvalue())

    def _row(self, quantity=10, lot="A2601", code="AMX-250", day=None, customer="上海市第一人民医院"):
        date = (day or self.date_from).isoformat()
        return [date, code, "", lot, quantity, 12.5, customer, "上海市", "上海市"]

    def _wizard(self, rows, user=None, dealer=None, policy="refuse", date_from=None, date_to=None, header=HEADER):
        env = self.env(user=user) if user else self.env
        return env["crm.channel.sellthrough.import"].create(
            {
                "partner_id": (dealer or self.dealer_sh).id,
                "date_from": date_from or self.date_from,
                "date_to": date_to or self.date_to,
                "duplicate_policy": policy,
                "file": self._workbook(rows, header),
                "filename": "report.xlsx",
            }
        )

    def _stock(self, dealer, product, lot):
        return self.env["crm.channel.stock"].search(
            [("partner_id", "=", dealer.id), ("product_id", "=", product.id), ("lot_id", "=", lot.id)]
        )

    def _reports(self, dealer=None):
        return self.env["crm.channel.sellthrough"].search([("partner_id", "=", (dealer or self.dealer_sh).id)])
