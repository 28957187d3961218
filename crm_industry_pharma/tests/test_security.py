from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PharmaCommon


@tagged("post_install", "-at_install")
class TestPharmaSecurity(PharmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Pharma Company B"})
        cls.user_b = cls._user(
            "pharma_user_b",
            "sales_team.group_sale_salesman,crm_industry_pharma.crm_industry_pharma_group_quality_manager",
            company=cls.company_b,
        )
        cls.licence_b = cls._licence(cls.pharmacy, cls.type_dbl, "B-0001", cls.scope_rx, company=cls.company_b)

    def test_salesman_reads_but_cannot_edit_licences(self):
        licences = (
            self.env["crm.pharma.licence"].with_user(self.salesman).search([("partner_id", "=", self.pharmacy.id)])
        )
        self.assertEqual(licences, self.licence_dbl | self.licence_gsp)
        with self.assertRaises(AccessError):
            self.licence_dbl.with_user(self.salesman).write({"date_end": self.today + timedelta(days=3650)})
        with self.assertRaises(AccessError):
            self._licence_as(self.salesman)
        with self.assertRaises(AccessError):
            self.env["crm.pharma.scope"].with_user(self.salesman).create({"name": "Test 越权"})

    def _licence_as(self, user):
        return (
            self.env["crm.pharma.licence"]
            .with_user(user)
            .create({"partner_id": self.pharmacy.id, "type_id": self.type_gsp.id, "name": "SH-GSP-9999"})
        )

    def test_pharma_user_records_licences_quality_manager_configures(self):
        form = Form(self.env["crm.pharma.licence"].with_user(self.pharma_user))
        form.partner_id = self.pharmacy
        form.type_id = self.type_gsp
        form.name = "SH-GSP-2025-0001"
        form.date_start = self.today
        form.date_end = self.today + timedelta(days=1825)
        licence = form.save()
        self.assertEqual(licence.company_id, self.company)
        self.assertEqual(licence.state, "valid")
        with self.assertRaises(AccessError):
            licence.with_user(self.pharma_user).unlink()
        with self.assertRaises(AccessError):
            self.env["crm.pharma.licence.type"].with_user(self.pharma_user).create({"name": "Test 越权"})
        self.env["crm.pharma.scope"].with_user(self.quality_manager).create({"name": "Test 医疗器械"})
        licence.with_user(self.quality_manager).unlink()

    def test_multi_company_licences(self):
        Licence = self.env["crm.pharma.licence"]
        self.assertEqual(Licence.with_user(self.user_b).search([("partner_id", "=", self.pharmacy.id)]), self.licence_b)
        self.assertEqual(
            Licence.with_user(self.salesman).search([("partner_id", "=", self.pharmacy.id)]),
            self.licence_dbl | self.licence_gsp,
        )
        with self.assertRaises(AccessError):
            self.licence_dbl.with_user(self.user_b).read(["name"])
        approval = self.env["crm.pharma.approval"].create({"partner_id": self._partner("Test A 客户", False).id})
        self.assertFalse(self.env["crm.pharma.approval"].with_user(self.user_b).search([("id", "=", approval.id)]))

    def test_company_b_without_gsp_confirms(self):
        clinic = self._partner("Test B 诊所", approved=False)
        order = self._order(clinic, self.vaccine | self.new_drug, user=self.user_b, company=self.company_b)
        order.with_user(self.user_b).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_company_b_with_gsp_uses_its_own_licences(self):
        self.company_b.write(
            {"crm_pharma_gsp": True, "crm_pharma_customer_licence_type_ids": [Command.set(self.type_dbl.ids)]}
        )
        order = self._order(self.pharmacy, self.amoxicillin | self.banlangen, user=self.user_b, company=self.company_b)
        # company B's licence covers 处方药 only; company A's licences do not count in B
        with self.assertRefused(UserError, self.banlangen.name) as catcher:
            order.with_user(self.user_b).action_confirm()
        self.assertNotIn(self.amoxicillin.name, str(catcher.exception))
        self.licence_b.with_user(self.user_b).scope_ids = self.scope_rx | self.scope_otc
        order.with_user(self.user_b).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestPharmaBadInput(PharmaCommon):
    def test_bad_approval_number(self):
        template = self.banlangen.product_tmpl_id
        product_manager = self._user("pharma_product_manager", "sales_team.group_sale_manager")
        with self.assertRefused(ValidationError, "国药准字X123", "国药准字H20003263"):
            template.with_user(product_manager).write({"crm_pharma_approval_number": "国药准字X123"})
        self.assertEqual(template.crm_pharma_approval_number, "国药准字Z11020357")
        with self.assertRefused(ValidationError, "ABC"):
            self.env["product.template"].with_user(product_manager).create(
                {"name": "Test 假药", "crm_pharma_approval_number": "ABC"}
            )
        self.assertFalse(self.env["product.template"].search([("name", "=", "Test 假药")]))
        template.with_user(product_manager).crm_pharma_approval_number = " 国药准字Z11020358 "
        self.assertEqual(template.crm_pharma_approval_number, "国药准字Z11020358")

    def test_licence_ending_before_it_starts(self):
        with self.assertRefused(ValidationError, "SH-GSP-BAD", "cannot end"):
            self._licence(
                self.pharmacy, self.type_gsp, "SH-GSP-BAD", date_start=self.today, date_end=self.today - timedelta(1)
            )
        self.assertFalse(self.env["crm.pharma.licence"].search([("name", "=", "SH-GSP-BAD")]))

    def test_licence_of_a_contact(self):
        contact = self.env["res.partner"].create({"name": "Test 联系人", "parent_id": self.pharmacy.id})
        with self.assertRefused(ValidationError, contact.name, self.pharmacy.name):
            self._licence(contact, self.type_gsp, "SH-GSP-CONTACT")
        self.assertFalse(self.env["crm.pharma.licence"].search([("name", "=", "SH-GSP-CONTACT")]))

    def test_negative_reminder(self):
        with self.assertRefused(ValidationError, self.company.name):
            self.company.crm_pharma_expiry_days = -1

    def test_import_confirmed_order_refused(self):
        """An import (load) meets the same gate and saves nothing."""
        result = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .load(
                ["partner_id/.id", "state", "order_line/product_id/.id"],
                [[str(self.pharmacy.id), "sale", str(self.vaccine.id)]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertIn(self.vaccine.name, " ".join(m["message"] for m in result["messages"]))
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.pharmacy.id)]))
