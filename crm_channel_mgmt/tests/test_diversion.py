from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .sellthrough_common import SellthroughCommon
from .test_rebate import RebateCommon


class DiversionCommon(SellthroughCommon):
    """SellthroughCommon (lots A2601 and B2601 delivered to the Shanghai
    dealer, A2602 to the Jiangsu dealer) with the dealers' territories: the
    distributor 华东, the Shanghai dealer 上海, the Jiangsu dealer 江苏; an
    inspector; and a dealer's portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.distributor.crm_channel_territory_ids = [Command.set(cls.territory_east.ids)]
        cls.dealer_sh.crm_channel_territory_ids = [Command.set(cls.territory_sh.ids)]
        cls.dealer_js.crm_channel_territory_ids = [Command.set(cls.territory_js.ids)]
        cls.inspector = cls._user("channel_inspector", "crm_channel_mgmt.crm_channel_mgmt_group_inspector")
        cls.inspector2 = cls._user("channel_inspector2", "crm_channel_mgmt.crm_channel_mgmt_group_inspector")
        cls.Case = cls.env["crm.channel.diversion"]
        cls.pharmacy_js = cls.env["res.partner"].create(
            {"name": "南京百姓大药房", "is_company": True, "state_id": cls.state_js.id, "country_id": cls.cn.id}
        )

    def _cases(self, lot=None):
        domain = [("lot_id", "=", lot.id)] if lot else []
        return self.Case.search(domain)

    def _check(self, lot, user=None, **values):
        """A field check entered in the form by ``user`` (default: the inspector), then recorded."""
        form = Form(self.env(user=user or self.inspector)["crm.channel.diversion.check"])
        form.lot_id = lot
        for name, value in values.items():
            setattr(form, name, value)
        check = form.save()
        check.action_record()
        return check


@tagged("post_install", "-at_install")
class TestDiversion(DiversionCommon):
    def test_report_sells_a_lot_outside_the_dealers_territory(self):
        """The Jiangsu dealer's report sells its lot A2602 to a hospital in Shanghai: one case."""
        rows = [
            ["", "AMX-250", "", "A2602", 5, 12.5, "苏州市立医院", "江苏省", "苏州市"],
            ["", "AMX-250", "", "A2602", 8, 12.5, "上海市第六人民医院", "上海市", "上海市"],
        ]
        for row in rows:
            row[0] = self.date_from.isoformat()
        wizard = self._wizard(rows, user=self.channel_user, dealer=self.dealer_js)
        wizard.action_import()
        case = self._cases(self.lot_a2)
        self.assertEqual(len(case), 1)
        self.assertRecordValues(
            case,
            [
                {
                    "state": "investigation",
                    "source": "sellthrough",
                    "reason": "territory",
                    "authorized_partner_id": self.dealer_js.id,
                    "found_partner_id": self.dealer_js.id,
                    "found_state_id": self.state_sh.id,
                    "found_place": "上海市第六人民医院",
                    "product_id": self.amoxicillin.id,
                    "date_found": self.date_from,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(case.authorized_territory_ids, self.territory_js)
        self.assertEqual(case.source_ref, wizard.report_id.line_ids.filtered(lambda line: line.quantity == 8))
        # the same report imported again (replacing the first) is the same finding: no second case
        self._wizard(rows, user=self.channel_manager, dealer=self.dealer_js, policy="replace").action_import()
        self.assertEqual(self._cases(self.lot_a2), case)

    def test_another_dealers_report(self):
        """Lot A2601 went to the Shanghai dealer; the Jiangsu dealer reports selling it in Suzhou:
        the report is imported and one case names both dealers, once however often it is imported."""
        rows = [["", "AMX-250", "", "A2601", 6, 12.5, "苏州市立医院", "江苏省", "苏州市"]]
        rows[0][0] = self.date_from.isoformat()
        wizard = self._wizard(rows, user=self.channel_user, dealer=self.dealer_js)
        wizard.action_import()
        line = wizard.report_id.line_ids
        self.assertEqual(line.source_dealer_id, self.dealer_sh)
        case = self._cases(self.lot_a1)
        self.assertRecordValues(
            case,
            [
                {
                    "state": "investigation",
                    "source": "sellthrough",
                    "reason": "dealer",
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_partner_id": self.dealer_js.id,
                    "found_state_id": self.state_js.id,
                    "found_place": "苏州市立医院",
                }
            ],
        )
        self.assertEqual(case.authorized_territory_ids, self.territory_sh)
        self.assertEqual(case.source_ref, line)
        self._wizard(rows, user=self.channel_manager, dealer=self.dealer_js, policy="replace").action_import()
        self.assertEqual(self._cases(), case)

    def test_report_of_the_suppliers_lot_opens_nothing(self):
        """The distributor (华东) supplies the Shanghai dealer: its lot sold in Shanghai is no diversion."""
        lot = self.env["stock.lot"].create(
            {"name": "A2610", "product_id": self.amoxicillin.id, "company_id": self.company.id}
        )
        self._ship(self.distributor, self.amoxicillin, 40, lot)
        self._wizard([self._row(15, lot="A2610")], user=self.channel_user).action_import()
        self.assertEqual(self._reports().line_ids.source_dealer_id, self.distributor)
        self.assertFalse(self._cases())

    def test_report_inside_the_territory_opens_nothing(self):
        self._wizard([self._row(10)], user=self.channel_user).action_import()
        self.assertFalse(self._cases())

    def test_back_office_line_outside_the_territory(self):
        """A line typed in the report form meets the same check."""
        report = (
            self.env["crm.channel.sellthrough"]
            .with_user(self.channel_user)
            .create({"partner_id": self.dealer_sh.id, "date_from": self.date_from, "date_to": self.date_to})
        )
        with Form(report) as form, form.line_ids.new() as line:
            line.date = self.date_from
            line.product_id = self.amoxicillin
            line.lot_id = self.lot_a1
            line.quantity = 3
            line.customer_name = "南京鼓楼医院"
            line.state_id = self.state_js
        case = self._cases(self.lot_a1)
        self.assertEqual(case.authorized_partner_id, self.dealer_sh)
        self.assertEqual(case.found_state_id, self.state_js)

    def test_return_by_another_dealer(self):
        """Lot A2601 of the Shanghai dealer comes back in a return of the Jiangsu dealer."""
        picking = self._ship(self.dealer_js, self.amoxicillin, 4, self.lot_a1, back=True)
        case = self._cases(self.lot_a1)
        self.assertEqual(len(case), 1)
        self.assertRecordValues(
            case,
            [
                {
                    "source": "return",
                    "reason": "dealer",
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_partner_id": self.dealer_js.id,
                    "found_state_id": self.state_js.id,
                }
            ],
        )
        self.assertEqual(case.source_ref, picking.move_line_ids)

    def test_return_by_its_own_dealer_opens_nothing(self):
        # even when the dealer sends back all it had of the lot
        self._ship(self.dealer_sh, self.amoxicillin, 100, self.lot_a1, back=True)
        self.assertFalse(self._cases())

    def test_field_check_opens_a_case(self):
        check = self._check(self.lot_a1, state_id=self.state_js, place="南京市鼓楼区中山路 1 号 百姓大药房")
        self.assertEqual(check.result, "diversion")
        case = check.diversion_id
        self.assertRecordValues(
            case,
            [
                {
                    "source": "field",
                    "reason": "territory",
                    "authorized_partner_id": self.dealer_sh.id,
                    "found_state_id": self.state_js.id,
                    "found_user_id": self.inspector.id,
                    "found_place": "南京市鼓楼区中山路 1 号 百姓大药房",
                }
            ],
        )
        self.assertEqual(case.source_ref, check)
        # the inspector reads the case it opened, with its evidence
        self.assertEqual(case.with_user(self.inspector).lot_id, self.lot_a1)
        # recording the check again is refused, and opens nothing more
        with self.assertRefused(UserError, "already recorded"):
            check.action_record()
        self.assertEqual(self._cases(), case)

    def test_field_check_at_a_known_shop(self):
        check = self._check(self.lot_b1, partner_id=self.pharmacy_js)
        self.assertEqual(check.result, "diversion")
        self.assertEqual(check.diversion_id.found_partner_id, self.pharmacy_js)
        self.assertEqual(check.diversion_id.found_state_id, self.state_js)

    def test_field_check_inside_the_territory_or_unknown_lot(self):
        self.assertEqual(self._check(self.lot_a1, state_id=self.state_sh).result, "clear")
        lot = self.env["stock.lot"].create({"name": "NEVER", "product_id": self.amoxicillin.id})
        self.assertEqual(self._check(lot, state_id=self.state_js).result, "unknown")
        self.assertFalse(self._cases())
        with self.assertRefused(UserError, "Say where the lot was found"):
            self._check(self.lot_a1, country_id=self.env["res.country"])

    def test_sub_dealer_of_the_authorised_dealer(self):
        """A lot delivered to the distributor (华东) found at a dealer it supplies, in Shanghai, is no diversion;
        found at a dealer outside its chain, it is."""
        lot = self.env["stock.lot"].create({"name": "A2609", "product_id": self.amoxicillin.id})
        self._ship(self.distributor, self.amoxicillin, 20, lot)
        self.assertEqual(self._check(lot, partner_id=self.dealer_sh).result, "clear")
        other = self._dealer("杭州远景医药有限公司", self.level_dealer, self.env.ref("base.state_cn_ZJ"))
        check = self._check(lot, partner_id=other)
        self.assertEqual(check.diversion_id.reason, "dealer")
        self.assertEqual(check.diversion_id.authorized_partner_id, self.distributor)

    def test_one_case_per_finding(self):
        finding = {"source": "service", "key": "SR-0001", "lot": self.lot_a1, "state": self.state_js}
        first = self.Case._crm_open_cases([finding, dict(finding)])
        self.assertEqual(len(first), 1)
        again = self.Case._crm_open_cases([finding])
        self.assertEqual(again, first)
        self.assertEqual(len(self._cases()), 1)
        # another finding of the same lot is another case
        other = self.Case._crm_open_cases([dict(finding, key="SR-0002")])
        self.assertNotEqual(other, first)

    def test_confirm_with_a_debit_note(self):
        case = self._check(self.lot_a1, state_id=self.state_js).diversion_id
        wizard_action = case.with_user(self.channel_manager).action_confirm()
        form = Form(
            self.env(user=self.channel_manager)[wizard_action["res_model"]].with_context(**wizard_action["context"])
        )
        self.assertEqual(form.offending_partner_id, self.dealer_sh)
        form.penalty_mode = "debit_note"
        form.amount = 5000
        form.save().action_confirm()
        self.assertEqual(case.state, "confirmed")
        self.assertEqual(case.offending_partner_id, self.dealer_sh)
        move = case.penalty_move_id
        self.assertRecordValues(
            move,
            [{"move_type": "out_invoice", "partner_id": self.dealer_sh.id, "amount_total": 5000, "state": "draft"}],
        )
        with self.assertRefused(UserError, "no longer under investigation"):
            case.with_user(self.channel_manager).action_confirm()

    def test_confirm_refuses_bad_penalties(self):
        case = self._check(self.lot_a1, state_id=self.state_js).diversion_id
        manager_case = case.with_user(self.channel_manager)
        with self.assertRefused(UserError, "positive amount"):
            manager_case._crm_confirm(self.dealer_sh, "debit_note", 0)
        with self.assertRefused(UserError, "not a dealer"):
            manager_case._crm_confirm(self.pharmacy_js, "debit_note", 100)
        with self.assertRefused(UserError, "rebate agreement"):
            manager_case._crm_confirm(self.dealer_sh, "rebate", 100)
        self.assertEqual(case.state, "investigation")
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", self.dealer_sh.id)]))

    def test_dismiss(self):
        case = self._check(self.lot_a1, state_id=self.state_js).diversion_id
        Dismiss = self.env(user=self.channel_manager)["crm.channel.diversion.dismiss"]
        with self.assertRefused(UserError, "Say why"):
            Dismiss.create({"diversion_id": case.id, "reason": " "}).action_dismiss()
        Dismiss.create({"diversion_id": case.id, "reason": "调拨单已审批"}).action_dismiss()
        self.assertEqual(case.state, "dismissed")
        self.assertEqual(case.dismiss_reason, "调拨单已审批")

    def test_access(self):
        case = self._check(self.lot_a1, state_id=self.state_js).diversion_id
        check = case.source_ref
        # inspectors and channel users read cases, neither confirms, dismisses or edits the evidence
        for user in (self.inspector, self.channel_user):
            self.assertEqual(case.with_user(user).state, "investigation")
            with self.assertRaises(AccessError):
                case.with_user(user).action_confirm()
            with self.assertRaises(AccessError):
                case.with_user(user)._crm_dismiss("no")
            with self.assertRaises(AccessError):
                case.with_user(user).write({"state": "dismissed"})
        # the evidence stays as found, even for a channel manager, and nobody types a case in
        with self.assertRaises(AccessError):
            case.with_user(self.channel_manager).write({"lot_id": self.lot_a2.id})
        with self.assertRaises(AccessError):
            self.Case.with_user(self.channel_manager).create(
                {
                    "lot_id": self.lot_a1.id,
                    "product_id": self.amoxicillin.id,
                    "authorized_partner_id": self.dealer_sh.id,
                    "source": "field",
                    "finding_key": "x",
                    "date_found": self.today,
                    "reason": "dealer",
                }
            )
        case.with_user(self.channel_manager).write({"user_id": self.channel_manager.id})
        # another inspector reads the check but cannot change it
        self.assertEqual(check.with_user(self.inspector2).lot_id, self.lot_a1)
        with self.assertRaises(AccessError):
            check.with_user(self.inspector2).write({"note": "x"})
        # a dealer's portal user sees no case, not even its own dealer's
        portal = self._user("dealer_sh_portal", "base.group_portal", partner_id=self._contact(self.dealer_sh).id)
        with self.assertRaises(AccessError):
            self.Case.with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.env["crm.channel.diversion.check"].with_user(portal).search([])
        # a salesperson without channel rights neither
        with self.assertRaises(AccessError):
            self.Case.with_user(self.salesman).search([])

    def _done_delivery(self, company, dealer, lot, quantity):
        """A done delivery of ``lot`` to ``dealer`` from ``company``'s warehouse, as stock records."""
        env = self.env(su=True)
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        values = {
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": self.customer_location.id,
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
                **values,
            }
        )
        env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "quantity": quantity,
                **values,
            }
        )
        return picking

    def _contact(self, dealer):
        return self.env["res.partner"].create(
            {"name": "经销商联系人", "parent_id": dealer.id, "email": "c@example.com"}
        )

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Channel Company B"})
        lot_b = self.env["stock.lot"].create(
            {"name": "A2601", "product_id": self.amoxicillin.id, "company_id": company_b.id}
        )
        # a delivery of company B's own lot A2601 to the Jiangsu dealer: company A's lot is not concerned
        self._done_delivery(company_b, self.dealer_js, lot_b, 10)
        inspector_b = self._user("inspector_b", "crm_channel_mgmt.crm_channel_mgmt_group_inspector", company=company_b)
        # found in Shanghai: company B's lot is the Jiangsu dealer's (a case in B), company A's lot is in its territory
        check_b = self._check(lot_b, user=inspector_b, state_id=self.state_sh)
        self.assertEqual(check_b.diversion_id.authorized_partner_id, self.dealer_js)
        self.assertEqual(check_b.diversion_id.company_id, company_b)
        self.assertEqual(self._check(self.lot_a1, state_id=self.state_sh).result, "clear")
        # company A's users do not see company B's case, nor its check
        with self.assertRaises(AccessError):
            check_b.diversion_id.with_user(self.channel_manager).read(["state"])
        with self.assertRaises(AccessError):
            check_b.with_user(self.inspector).read(["lot_id"])
        self.assertFalse(self.Case.with_user(self.channel_manager).search([("company_id", "=", company_b.id)]))

    def test_sellthrough_check_query_count_is_constant(self):
        """Opening the cases of one line or of many costs the same number of queries."""
        report = self.env["crm.channel.sellthrough"].create(
            {"partner_id": self.dealer_sh.id, "date_from": self.date_from, "date_to": self.date_to}
        )
        Line = self.env["crm.channel.sellthrough.line"]
        lines = Line.create(
            [
                {
                    "report_id": report.id,
                    "date": self.date_from,
                    "product_id": self.amoxicillin.id,
                    "lot_id": self.lot_a1.id,
                    "quantity": 1,
                    "customer_name": f"南京医院 {index}",
                    "state_id": self.state_js.id,
                }
                for index in range(20)
            ]
        )
        self.assertEqual(len(self._cases()), 20)

        def renamed(subset):
            # the same lines with another customer are new findings
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE crm_channel_sellthrough_line SET customer_name = customer_name || '+' WHERE id IN %s",
                [tuple(subset.ids)],
            )
            self.env.invalidate_all()
            return subset

        renamed(lines[:1])._crm_check_diversion()  # warm the caches
        for subset in (lines[:1], lines[1:]):
            renamed(subset)
            # the lines, the lots, the partners and their companies read in bulk; origins; cases; create
            with self.assertQueryCount(10):
                subset._crm_check_diversion()
                self.env.flush_all()
        self.assertEqual(len(self._cases()), 20 + 1 + 1 + 19)


@tagged("post_install", "-at_install")
class TestDiversionRebate(DiversionCommon, RebateCommon):
    def test_confirm_with_a_rebate_deduction(self):
        """A penalty of 100 deducted from the Shanghai dealer's next rebate settlement, and not paid back later."""
        case = self._check(self.lot_a1, state_id=self.state_js).diversion_id
        wizard_action = case.with_user(self.channel_manager).action_confirm()
        form = Form(
            self.env(user=self.channel_manager)[wizard_action["res_model"]].with_context(**wizard_action["context"])
        )
        form.penalty_mode = "rebate"
        self.assertEqual(form.agreement_id, self.agreement)
        form.amount = 100
        form.save().action_confirm()
        deduction = case.penalty_deduction_id
        self.assertRecordValues(
            deduction,
            [{"dealer_id": self.dealer_sh.id, "amount": 100, "state": "pending", "agreement_id": self.agreement.id}],
        )
        self.assertEqual(case.state, "confirmed")
        # Q1: 15,000 bought, 2 % = 300, less the 100 penalty
        self._invoice(self.dealer_sh, date(2025, 2, 10), [(self.amoxicillin, 150, 100)])
        self._settle(1)
        settlement = self.agreement.settlement_ids.filtered(lambda s: s.dealer_id == self.dealer_sh)
        self.assertRecordValues(settlement, [{"deduction_amount": 100, "amount": 200, "previous_amount": 0}])
        self.assertEqual(settlement.move_id.amount_total, 200)
        self.assertEqual(deduction.state, "applied")
        self.assertEqual(deduction.settlement_id, settlement)
        accrual = self.env["crm.channel.rebate.accrual"].search(
            [("agreement_id", "=", self.agreement.id), ("dealer_id", "=", self.dealer_sh.id)]
        )
        self.assertEqual(accrual.settled, 300)
        # Q2: nothing more bought; the deduction is not given back
        self._settle(2)
        q2 = self.agreement.settlement_ids.filtered(
            lambda s: s.dealer_id == self.dealer_sh and s.period_id == self._period(2)
        )
        self.assertRecordValues(q2, [{"previous_amount": 300, "amount": 0, "deduction_amount": 0}])
        # cancelling the Q1 credit note gives the deduction back to the next settlement
        settlement.move_id.with_env(self.env).button_cancel()
        self.assertEqual(deduction.state, "pending")
