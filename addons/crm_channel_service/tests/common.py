from odoo import Command

from odoo.addons.crm_channel_mgmt.tests.test_diversion import DiversionCommon

AGENT_GROUPS = "crm_service_desk.crm_service_desk_group_user,stock.group_stock_user"


class ServiceDiversionCommon(DiversionCommon):
    """DiversionCommon (lot A2601 delivered to the Shanghai dealer, whose
    territory is 上海; A2602 to the Jiangsu dealer, 江苏) with a service agent,
    a service agent who is also an inspector (reads the cases), and end
    customers in Jiangsu (南京百姓大药房, from DiversionCommon) and in Shanghai."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # service agents look serial numbers up (stock users); one of them also reads the diversion cases
        cls.agent = cls._user("service_agent", f"{AGENT_GROUPS}")
        cls.agent_inspector = cls._user(
            "service_agent_inspector", f"{AGENT_GROUPS},crm_channel_mgmt.crm_channel_mgmt_group_inspector"
        )
        cls.customer_sh = cls.env["res.partner"].create(
            {"name": "上海市第六人民医院", "is_company": True, "state_id": cls.state_sh.id, "country_id": cls.cn.id}
        )
        cls.Request = cls.env["crm.service.request"]

    def _request(self, partner, lot=None, user=None, **values):
        return self.Request.with_user(user or self.agent).create(
            {
                "name": "设备故障",
                "partner_id": partner.id,
                "product_id": lot.product_id.id if lot else False,
                "lot_id": lot.id if lot else False,
                **values,
            }
        )

    def _service_cases(self, requests):
        return self.Case.search([("source_model", "=", "crm.service.request"), ("source_res_id", "in", requests.ids)])

    @classmethod
    def _done_delivery(cls, company, dealer, lot, quantity):
        """A done delivery of ``lot`` to ``dealer`` from ``company``'s warehouse, as stock records."""
        env = cls.env(su=True)
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        values = {
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": cls.customer_location.id,
            "company_id": company.id,
        }
        picking = env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "partner_id": dealer.id, **values}
        )
        move = env["stock.move"].create(
            {
                "name": lot.product_id.name,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "product_uom_qty": quantity,
                "state": "done",
                "move_line_ids": [
                    Command.create(
                        {
                            "picking_id": picking.id,
                            "product_id": lot.product_id.id,
                            "lot_id": lot.id,
                            "quantity": quantity,
                            **values,
                        }
                    )
                ],
                **values,
            }
        )
        return move
