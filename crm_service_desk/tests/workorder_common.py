from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import ServiceCommon


class WorkOrderCommon(ServiceCommon):
    """Service desk users with warehouse and sales rights, a serial-tracked
    pump flagged for the installed base, spare parts in stock and service
    products for labour and expenses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.company.service_warranty_months = 12
        cls.technician = new_test_user(
            cls.env,
            login="service_technician",
            name="孙师傅",
            groups=(
                "crm_service_desk.crm_service_desk_group_user,stock.group_stock_user,"
                "sales_team.group_sale_salesman,account.group_account_invoice"
            ),
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.storekeeper = new_test_user(
            cls.env,
            login="service_storekeeper",
            name="周库管",
            groups="stock.group_stock_user",
            # the time zone of the test's user: the dates its validations write (a warranty's start: the
            # delivery day where the storekeeper is) are compared with that user's today, at any hour of UTC
            tz=cls.env.user.tz,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        Product = cls.env["product.product"]
        cls.pump = Product.create(
            {
                "name": "液压举升泵 HP-200",
                "is_storable": True,
                "tracking": "serial",
                "service_create_asset": True,
                "list_price": 18600.0,
            }
        )
        cls.plain_serial = Product.create({"name": "Spare Gearbox", "is_storable": True, "tracking": "serial"})
        cls.seal_kit = Product.create({"name": "密封件套装", "is_storable": True, "list_price": 320.0})
        cls.filter = Product.create({"name": "Oil Filter", "is_storable": True, "list_price": 45.0})
        cls.labour = Product.create({"name": "上门服务工时", "type": "service", "list_price": 260.0})
        cls.travel = Product.create({"name": "差旅费", "type": "service", "list_price": 80.0})
        Lot = cls.env["stock.lot"]
        cls.lots = Lot.create(
            [{"name": f"HP200-{n:04d}", "product_id": cls.pump.id, "company_id": cls.company.id} for n in range(1, 4)]
        )
        cls.gearbox_lot = Lot.create(
            {"name": "GB-0001", "product_id": cls.plain_serial.id, "company_id": cls.company.id}
        )
        Quant = cls.env["stock.quant"]
        for lot in cls.lots:
            Quant._update_available_quantity(cls.pump, cls.stock_location, 1.0, lot_id=lot)
        Quant._update_available_quantity(cls.plain_serial, cls.stock_location, 1.0, lot_id=cls.gearbox_lot)
        Quant._update_available_quantity(cls.seal_kit, cls.stock_location, 10.0)
        Quant._update_available_quantity(cls.filter, cls.stock_location, 1.0)

    @classmethod
    def _transfer(cls, product, lots, partner, src, dest, user=None):
        """Move ``lots`` of ``product`` from ``src`` to ``dest`` in one validated picking."""
        env = cls.env(user=user or cls.storekeeper)
        picking_type = cls.warehouse.out_type_id if dest.usage == "customer" else cls.warehouse.in_type_id
        picking = env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "partner_id": partner.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": len(lots),
                            "product_uom": product.uom_id.id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        move = picking.move_ids
        move.move_line_ids.unlink()
        env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom_id": product.uom_id.id,
                    "lot_id": lot.id,
                    "quantity": 1.0,
                    "location_id": src.id,
                    "location_dest_id": dest.id,
                }
                for lot in lots
            ]
        )
        move.picked = True
        picking.button_validate()
        assert picking.state == "done", picking.state
        return picking

    @classmethod
    def _deliver(cls, lots, partner, product=None):
        return cls._transfer(product or cls.pump, lots, partner, cls.stock_location, cls.customer_location)

    @classmethod
    def _return(cls, lots, partner, product=None):
        return cls._transfer(product or cls.pump, lots, partner, cls.customer_location, cls.stock_location)

    @classmethod
    def _asset(cls, lot, partner, start=None, **values):
        vals = {
            "lot_id": lot.id,
            "partner_id": partner.id,
            "warranty_start": start or fields.Date.context_today(cls.env["crm.service.asset"]),
        }
        vals.update(values)
        return cls.env["crm.service.asset"].create(vals)

    @staticmethod
    def _years_ago(years):
        return fields.Date.today() - relativedelta(years=years)
