from dateutil.relativedelta import relativedelta

from odoo import Command

from odoo.addons.crm_channel_mgmt.tests.common import ChannelCommon


class CommissionCommon(ChannelCommon):
    """On top of the channel network: a sales agent (external) with a 10%
    commission type, 20% on antibiotics; dealer_sh is its customer. The
    channel salesperson is an employee agent with tiers (2% up to 1,000, 5%
    above) on the invoices where they are the salesperson. Nothing comes from
    demo data; products carry no taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Commission = cls.env["commission"]
        cls.commission_agent = Commission.create(
            {
                "name": "Test agent 10%",
                "commission_type": "fixed",
                "fix_qty": 10,
                "company_id": cls.company.id,
                "crm_rule_ids": [Command.create({"categ_id": cls.categ_antibiotic.id, "percent": 20})],
            }
        )
        cls.commission_tiers = Commission.create(
            {
                "name": "Test salesperson tiers",
                "commission_type": "section",
                "company_id": cls.company.id,
                "section_ids": [
                    Command.create({"amount_from": 0, "amount_to": 1000, "percent": 2}),
                    Command.create({"amount_from": 1000, "amount_to": 1e9, "percent": 5}),
                ],
            }
        )
        cls.agent = cls.env["res.partner"].create(
            {
                "name": "宁波代理商",
                "is_company": True,
                "agent": True,
                "agent_type": "agent",
                "commission_id": cls.commission_agent.id,
                "settlement": "monthly",
            }
        )
        cls.dealer_sh.agent_ids = cls.agent
        cls.salesman.partner_id.write(
            {"agent": True, "agent_type": "salesman", "commission_id": cls.commission_tiers.id}
        )
        cls.last_month = cls.today.replace(day=1) - relativedelta(months=1)

    @classmethod
    def _invoice(cls, partner, lines, user=None, date=None, move_type="out_invoice", company=None):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": date or cls.today,
                    "invoice_user_id": (user or cls.env["res.users"]).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": 1, "price_unit": price, "tax_ids": [Command.clear()]}
                        )
                        for product, price in lines
                    ],
                }
            )
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, move, amount=None, date=None):
        wizard = (
            cls.env["account.payment.register"]
            .with_company(move.company_id)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"payment_date": date or cls.today, **({"amount": amount} if amount else {})})
        )
        return wizard._create_payments()

    def _lines(self, move, agent=None):
        domain = [("move_id", "=", move.id)]
        if agent:
            domain.append(("agent_id", "=", agent.id))
        return self.env["crm.channel.commission.line"].search(domain)
