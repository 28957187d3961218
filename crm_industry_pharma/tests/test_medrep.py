from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PharmaCommon

MEDREP = "base.group_user,crm_industry_pharma.crm_industry_pharma_group_medrep"
MEDREP_MANAGER = "base.group_user,crm_industry_pharma.crm_industry_pharma_group_medrep_manager"


class MedrepCommon(PharmaCommon):
    """Two representatives and a medical affairs manager of the company, a
    representative of a second company; a 三甲 hospital with a cardiology
    department and a pharmacy; classes A (4 calls a month) and B (2); two
    doctors and a consulting expert of the first representative, one doctor
    of the second. The plan month is last month, so that its visits can be
    done; the representatives work in China's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the accounting test user that sets the data up manages medical affairs too
        cls.env.user.groups_id += cls.env.ref("crm_industry_pharma.crm_industry_pharma_group_medrep_manager")
        cls.company_b = cls.env["res.company"].create({"name": "Medrep Company B"})
        cls.rep = cls._user("medrep_1", MEDREP, tz="Asia/Shanghai")
        cls.rep_2 = cls._user("medrep_2", MEDREP, tz="Asia/Shanghai")
        cls.manager = cls._user("medrep_manager", MEDREP_MANAGER, tz="Asia/Shanghai")
        cls.rep_b = cls._user("medrep_b", MEDREP, company=cls.company_b, tz="Asia/Shanghai")
        cls.hospital = cls._partner(
            "Test 苏州市立医院", crm_pharma_institution_type="hospital", crm_pharma_hospital_grade="3a"
        )
        cls.pharmacy.crm_pharma_institution_type = "pharmacy"
        cls.cardiology = cls.env["crm.pharma.department"].create({"name": "心内科", "hospital_id": cls.hospital.id})
        Class = cls.env["crm.pharma.doctor.class"]
        cls.class_a = Class.create({"name": "Test A", "visits_per_month": 4})
        cls.class_b = Class.create({"name": "Test B", "visits_per_month": 2})
        cls.doctor_1 = cls._doctor("王建国", cls.rep, cls.class_a, department_id=cls.cardiology)
        cls.doctor_2 = cls._doctor("李秀英", cls.rep, cls.class_b)
        cls.expert = cls._doctor("陈静", cls.rep, cls.class_b, hospital=cls.pharmacy, is_expert=True)
        cls.doctor_3 = cls._doctor("张伟", cls.rep_2, cls.class_a)
        cls.month = (cls.today.replace(day=1) - relativedelta(months=1)).replace(day=1)

    @classmethod
    def _doctor(cls, name, rep, doctor_class, hospital=None, company=None, **vals):
        return (
            cls.env["crm.pharma.doctor"]
            .with_company(company or cls.company)
            .create(
                {
                    "name": name,
                    "hospital_id": (hospital or cls.hospital).id,
                    "class_id": doctor_class.id,
                    "representative_id": rep.id,
                    "title": "chief",
                    **{k: v.id if hasattr(v, "_name") else v for k, v in vals.items()},
                }
            )
        )

    def _visit(self, doctor, when, user=None, state="done", **vals):
        """A visit at ``when`` (naive, in UTC) by ``user`` (the doctor's representative)."""
        user = user or doctor.representative_id
        visit = (
            self.env["crm.pharma.visit"]
            .with_user(user)
            .create({"doctor_id": doctor.id, "date": when, "representative_id": user.id, **vals})
        )
        if state == "done":
            visit.action_done()
        elif state == "cancelled":
            visit.action_cancel()
        return visit

    def _day(self, day, hour=2):
        """Day ``day`` of the plan month, at ``hour`` UTC (10:00 in Shanghai)."""
        return datetime.combine(self.month.replace(day=day), datetime.min.time()) + timedelta(hours=hour)


@tagged("post_install", "-at_install")
class TestMedrepAccess(MedrepCommon):
    def test_representative_sees_only_own_doctors_and_visits(self):
        Doctor = self.env["crm.pharma.doctor"]
        self.assertEqual(Doctor.with_user(self.rep).search([]), self.doctor_1 | self.doctor_2 | self.expert)
        self.assertEqual(Doctor.with_user(self.rep_2).search([]), self.doctor_3)
        self.assertEqual(
            Doctor.with_user(self.manager).search([("hospital_id", "in", (self.hospital | self.pharmacy).ids)]),
            self.doctor_1 | self.doctor_2 | self.expert | self.doctor_3,
        )
        with self.assertRaises(AccessError):
            self.doctor_3.with_user(self.rep).read(["name"])
        with self.assertRaises(AccessError):
            self.doctor_3.with_user(self.rep).write({"specialty": "高血压"})

        visit_1 = self._visit(self.doctor_1, self._day(3))
        visit_3 = self._visit(self.doctor_3, self._day(3))
        Visit = self.env["crm.pharma.visit"]
        self.assertEqual(Visit.with_user(self.rep).search([]), visit_1)
        self.assertEqual(Visit.with_user(self.rep_2).search([]), visit_3)
        self.assertEqual(
            Visit.with_user(self.manager).search([("id", "in", (visit_1 | visit_3).ids)]), visit_1 | visit_3
        )
        with self.assertRaises(AccessError):
            visit_3.with_user(self.rep).read(["feedback"])

    def test_representative_cannot_work_for_others(self):
        Visit = self.env["crm.pharma.visit"].with_user(self.rep)
        # a visit to another representative's doctor
        with self.assertRefused(ValidationError, "张伟", "medrep_2"):
            Visit.create({"doctor_id": self.doctor_3.id, "date": self._day(3)})
        # a visit, a doctor or a plan given to another representative
        with self.assertRefused(AccessError, "medical affairs manager"):
            Visit.create({"doctor_id": self.doctor_1.id, "date": self._day(3), "representative_id": self.rep_2.id})
        with self.assertRefused(AccessError, "medical affairs manager"):
            self.doctor_1.with_user(self.rep).write({"representative_id": self.rep_2.id})
        with self.assertRefused(AccessError, "medical affairs manager"):
            self.env["crm.pharma.doctor"].with_user(self.rep).create(
                {"name": "赵敏", "hospital_id": self.hospital.id, "representative_id": self.rep_2.id}
            )
        self.assertFalse(self.env["crm.pharma.visit"].search([("representative_id", "=", self.rep_2.id)]))
        self.assertEqual(self.doctor_1.representative_id, self.rep)
        # the manager hands the doctor over
        self.doctor_1.with_user(self.manager).write({"representative_id": self.rep_2.id})
        self.assertIn(self.doctor_1, self.env["crm.pharma.doctor"].with_user(self.rep_2).search([]))
        self.assertNotIn(self.doctor_1, self.env["crm.pharma.doctor"].with_user(self.rep).search([]))

    def test_representative_records_a_visit_in_the_form(self):
        form = Form(self.env["crm.pharma.visit"].with_user(self.rep))
        form.doctor_id = self.doctor_1
        form.date = self._day(5)
        form.product_ids.add(self.amoxicillin)
        form.feedback = "认可疗效"
        with form.sample_line_ids.new() as sample:
            sample.product_id = self.amoxicillin
            sample.quantity = 2
        visit = form.save()
        self.assertEqual(visit.representative_id, self.rep)
        self.assertEqual(visit.hospital_id, self.hospital)
        self.assertEqual(visit.class_id, self.class_a)
        self.assertEqual(visit.visit_date, self.month.replace(day=5))
        visit.action_done()
        self.assertEqual(self.doctor_1.with_user(self.rep).visit_count, 1)
        self.assertEqual(self.doctor_1.with_user(self.rep).last_visit_date, self.month.replace(day=5))
        # a done visit counts: only the manager deletes it
        with self.assertRefused(UserError, "medical affairs manager"):
            visit.with_user(self.rep).unlink()
        visit.with_user(self.manager).unlink()
        self.assertFalse(visit.exists())

    def test_other_users_see_nothing(self):
        with self.assertRaises(AccessError):
            self.env["crm.pharma.doctor"].with_user(self.pharma_user).search([])
        with self.assertRaises(AccessError):
            self.env["crm.pharma.visit"].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self.env["crm.pharma.doctor.class"].with_user(self.rep).create({"name": "Test D"})

    def test_multi_company(self):
        hospital_b = self._partner("Test 杭州市第一人民医院", crm_pharma_institution_type="hospital")
        doctor_b = self._doctor("刘洋", self.rep_b, self.class_a, hospital=hospital_b, company=self.company_b)
        self.assertEqual(self.env["crm.pharma.doctor"].with_user(self.rep_b).search([]), doctor_b)
        self.assertNotIn(
            doctor_b,
            self.env["crm.pharma.doctor"].with_user(self.manager).search([("hospital_id", "=", hospital_b.id)]),
        )
        with self.assertRaises(AccessError):
            doctor_b.with_user(self.manager).read(["name"])
        # a manager of both companies sees them in the companies switched on
        self.manager.write({"company_ids": [Command.link(self.company_b.id)]})
        Doctor = self.env["crm.pharma.doctor"].with_user(self.manager)
        domain = [("hospital_id", "in", (self.hospital | hospital_b).ids)]
        self.assertNotIn(doctor_b, Doctor.with_context(allowed_company_ids=self.company.ids).search(domain))
        self.assertIn(
            doctor_b, Doctor.with_context(allowed_company_ids=(self.company | self.company_b).ids).search(domain)
        )
        # a visit of company B to a doctor of company A
        with self.assertRefused(UserError, "王建国"):
            self.env["crm.pharma.visit"].with_user(self.manager).with_company(self.company_b).create(
                {"doctor_id": self.doctor_1.id, "date": self._day(3), "company_id": self.company_b.id}
            )
        # and the report
        plan_b = (
            self.env["crm.pharma.visit.plan"]
            .with_user(self.rep_b)
            .create({"date_start": self.month, "line_ids": [Command.create({"doctor_id": doctor_b.id})]})
        )
        self.assertEqual(plan_b.company_id, self.company_b)
        Report = self.env["crm.pharma.visit.compliance"]
        self.assertFalse(
            Report.with_user(self.manager)
            .with_context(allowed_company_ids=self.company.ids)
            .search([("plan_id", "=", plan_b.id)])
        )
        self.assertEqual(len(Report.with_user(self.rep_b).search([])), 1)


@tagged("post_install", "-at_install")
class TestMedrepPlan(MedrepCommon):
    def _plan(self, user=None, **vals):
        form = Form(self.env["crm.pharma.visit.plan"].with_user(user or self.rep))
        form.date_start = self.month.replace(day=17)
        plan = form.save()
        plan.action_fill_lines()
        return plan

    def test_plan_targets_from_class_and_compliance(self):
        plan = self._plan()
        self.assertEqual(plan.date_start, self.month, "the plan covers the whole month")
        self.assertEqual(plan.date_end, self.month + relativedelta(day=31))
        self.assertEqual(plan.representative_id, self.rep)
        lines = {line.doctor_id: line for line in plan.line_ids}
        self.assertEqual(set(lines), {self.doctor_1, self.doctor_2, self.expert})
        self.assertEqual(lines[self.doctor_1].target_visits, 4)
        self.assertEqual(lines[self.doctor_2].target_visits, 2)
        lines[self.expert].with_user(self.rep).target_visits = 1
        # reclassifying a doctor later leaves the month's plan alone
        self.doctor_2.with_user(self.rep).class_id = self.class_a
        self.assertEqual(lines[self.doctor_2].class_id, self.class_b)
        self.assertEqual(lines[self.doctor_2].target_visits, 2)

        # doctor 1: 2 done (one at 01:00 in Shanghai on the 1st, the day before in UTC), 1 scheduled,
        # 1 cancelled; not counted: one at 23:00 in Shanghai the day before the month, one the month after,
        # one by the manager: 2 of 4
        self._visit(self.doctor_1, self._day(1, hour=-7))
        self._visit(self.doctor_1, self._day(9))
        self._visit(self.doctor_1, self._day(12), state="planned")
        self._visit(self.doctor_1, self._day(13), state="cancelled")
        self._visit(self.doctor_1, self._day(1, hour=-9))
        self._visit(self.doctor_1, self._day(1) + relativedelta(months=1))
        self._visit(self.doctor_1, self._day(14), user=self.manager)
        # doctor 2: 2 of 2; the expert: 0 of 1
        self._visit(self.doctor_2, self._day(2))
        self._visit(self.doctor_2, self._day(20))
        plan.invalidate_recordset()
        plan = plan.with_user(self.rep)
        lines = {line.doctor_id: line for line in plan.line_ids}
        self.assertEqual((lines[self.doctor_1].done_visits, lines[self.doctor_1].planned_visits), (2, 1))
        self.assertAlmostEqual(lines[self.doctor_1].compliance, 50.0)
        self.assertEqual((lines[self.doctor_2].done_visits, lines[self.doctor_2].compliance), (2, 100.0))
        self.assertEqual((lines[self.expert].done_visits, lines[self.expert].compliance), (0, 0.0))
        self.assertEqual((plan.target_total, plan.done_total, plan.planned_total), (7, 4, 1))
        self.assertAlmostEqual(plan.compliance, 400 / 7, places=1)

        # the report: per representative and per class, the ratio of the sums
        self.env.flush_all()
        Report = self.env["crm.pharma.visit.compliance"]
        by_rep = Report.with_user(self.manager)._read_group(
            [("plan_id", "=", plan.id)],
            ["representative_id"],
            ["target_visits:sum", "done_visits:sum", "compliance:avg"],
        )
        self.assertEqual([(rep, target, done) for rep, target, done, __ in by_rep], [(self.rep, 7, 4)])
        self.assertAlmostEqual(by_rep[0][3], 400 / 7, places=1)
        by_class = dict(
            Report.with_user(self.rep)._read_group([("plan_id", "=", plan.id)], ["class_id"], ["compliance:avg"])
        )
        self.assertAlmostEqual(by_class[self.class_a], 50.0)
        # 2 of 3 visits, not the average of 100% and 0%
        self.assertAlmostEqual(by_class[self.class_b], 200 / 3, places=1)
        self.assertFalse(Report.with_user(self.rep_2).search([("plan_id", "=", plan.id)]))

    def test_plan_counts_visits_in_one_query(self):
        """The plan's lines count their visits in one grouped query, whatever
        the number of doctors."""
        doctors = self.env["crm.pharma.doctor"]
        for i in range(20):
            doctors |= self._doctor(f"Test 医生 {i}", self.rep, self.class_b)
        plan = self._plan()
        self.assertEqual(len(plan.line_ids), 23)
        for doctor in doctors:
            self._visit(doctor, self._day(5))
        self.env.invalidate_all()
        plan = plan.with_user(self.rep)
        with self.assertQueryCount(4):  # 4 whatever the number of lines
            self.assertEqual((plan.target_total, plan.done_total), (4 + 2 + 2 + 20 * 2, 20))

    def test_confirmed_plan_is_the_managers(self):
        plan = self._plan()
        with self.assertRefused(UserError, "medical affairs manager"):
            plan.with_user(self.rep).action_confirm()
        plan.with_user(self.manager).action_confirm()
        self.assertEqual(plan.state, "confirmed")
        line = plan.line_ids[:1]
        with self.assertRefused(UserError, "confirmed"):
            line.with_user(self.rep).write({"target_visits": 1})
        with self.assertRefused(UserError, "confirmed"):
            plan.with_user(self.rep).write({"line_ids": [Command.unlink(line.id)]})
        self.assertEqual(line.target_visits, 4)
        line.with_user(self.manager).write({"target_visits": 3})
        self.assertEqual(line.target_visits, 3)

    def test_plan_bad_input(self):
        plan = self._plan()
        Plan = self.env["crm.pharma.visit.plan"].with_user(self.rep)
        with self.assertRefused(ValidationError, "medrep_1", self.month.strftime("%Y-%m")):
            Plan.create({"date_start": self.month.replace(day=25)})
        self.assertEqual(Plan.search_count([("date_start", "=", self.month)]), 1)
        with self.assertRefused(ValidationError, "张伟"):
            plan.with_user(self.manager).write({"line_ids": [Command.create({"doctor_id": self.doctor_3.id})]})
        with self.assertRefused(ValidationError, "王建国"):
            plan.with_user(self.rep).write({"line_ids": [Command.create({"doctor_id": self.doctor_1.id})]})
        with self.assertRefused(ValidationError, "negative"):
            plan.line_ids[:1].with_user(self.rep).write({"target_visits": -1})
        self.assertEqual(len(plan.line_ids), 3)
        with self.assertRefused(ValidationError, "between 0 and 60"):
            self.class_a.with_user(self.manager).write({"visits_per_month": -2})
        self.assertEqual(self.class_a.visits_per_month, 4)


@tagged("post_install", "-at_install")
class TestMedrepBadInput(MedrepCommon):
    def test_visit_bad_input(self):
        Visit = self.env["crm.pharma.visit"].with_user(self.rep)
        future = fields.Datetime.now() + timedelta(days=2)
        with self.assertRefused(ValidationError, "王建国", "future"):
            Visit.create({"doctor_id": self.doctor_1.id, "date": future, "state": "done"})
        visit = Visit.create({"doctor_id": self.doctor_1.id, "date": future})
        with self.assertRefused(ValidationError, "future"):
            visit.action_done()
        self.assertEqual(visit.state, "planned")
        with self.assertRefused(ValidationError, "阿莫西林胶囊", "positive"):
            visit.write({"sample_line_ids": [Command.create({"product_id": self.amoxicillin.id, "quantity": 0})]})
        lot = self.env["stock.lot"].create({"name": "Test 240101", "product_id": self.banlangen.id})
        with self.assertRefused(ValidationError, "Test 240101", "阿莫西林胶囊"):
            visit.write({"sample_line_ids": [Command.create({"product_id": self.amoxicillin.id, "lot_id": lot.id})]})
        self.assertFalse(visit.sample_line_ids)
        self.assertEqual(Visit.search_count([]), 1)

    def test_doctor_and_department_bad_input(self):
        Doctor = self.env["crm.pharma.doctor"].with_user(self.rep)
        with self.assertRefused(ValidationError, self.supplier.name, "institution type"):
            Doctor.create({"name": "刘洋", "hospital_id": self.supplier.id})
        with self.assertRefused(ValidationError, "刘洋", "心内科"):
            Doctor.create({"name": "刘洋", "hospital_id": self.pharmacy.id, "department_id": self.cardiology.id})
        self.assertFalse(Doctor.search([("name", "=", "刘洋")]))
        Department = self.env["crm.pharma.department"].with_user(self.rep)
        with self.assertRefused(ValidationError, "心内科"):
            Department.create({"name": "心内科", "hospital_id": self.hospital.id})
        with self.assertRefused(ValidationError, self.supplier.name):
            Department.create({"name": "儿科", "hospital_id": self.supplier.id})
        self.assertEqual(Department.search_count([("hospital_id", "=", self.hospital.id)]), 1)
        with self.assertRefused(ValidationError, "hospital grade"):
            self.pharmacy.write({"crm_pharma_hospital_grade": "3a"})
        with self.assertRefused(ValidationError, "company"):
            self.env["res.partner"].create({"name": "Test 个人", "crm_pharma_institution_type": "clinic"})


@tagged("post_install", "-at_install")
class TestMedrepEvent(MedrepCommon):
    def test_event_costs_and_access(self):
        form = Form(self.env["crm.pharma.event"].with_user(self.rep))
        form.name = "心内科科室会"
        form.event_type = "department_meeting"
        form.date_start = self._day(15)
        form.date_end = self._day(15, hour=4)
        form.hospital_id = self.hospital
        form.department_id = self.cardiology
        form.speaker_id = self.expert
        form.attendee_ids.add(self.doctor_1)
        form.attendee_ids.add(self.doctor_2)
        form.product_ids.add(self.amoxicillin)
        with form.cost_line_ids.new() as cost:
            cost.expense_type = "catering"
            cost.amount = 1000.0
        with form.cost_line_ids.new() as cost:
            cost.expense_type = "speaker_fee"
            cost.amount = 500.0
        event = form.save()
        self.assertEqual(event.representative_id, self.rep)
        self.assertEqual((event.cost_total, event.attendee_count, event.cost_per_attendee), (1500.0, 2, 750.0))
        event.with_user(self.rep).action_confirm()
        event.with_user(self.rep).action_done()
        self.assertEqual(event.state, "done")
        with self.assertRaises(AccessError):
            event.with_user(self.rep_2).read(["name"])
        self.assertFalse(self.env["crm.pharma.event.cost"].with_user(self.rep_2).search([]))
        costs = dict(
            self.env["crm.pharma.event.cost"]
            .with_user(self.manager)
            ._read_group([("event_id", "=", event.id)], ["expense_type"], ["amount:sum"])
        )
        self.assertEqual(costs, {"catering": 1000.0, "speaker_fee": 500.0})

    def test_event_bad_input(self):
        Event = self.env["crm.pharma.event"].with_user(self.rep)
        vals = {"name": "学术沙龙", "event_type": "salon", "date_start": self._day(15)}
        with self.assertRefused(ValidationError, "学术沙龙", "expert"):
            Event.create({**vals, "speaker_id": self.doctor_1.id})
        with self.assertRefused(ValidationError, "学术沙龙", "end before"):
            Event.create({**vals, "date_end": self._day(14)})
        with self.assertRefused(ValidationError, "学术沙龙", "positive"):
            Event.create({**vals, "cost_line_ids": [Command.create({"expense_type": "venue", "amount": -100})]})
        self.assertFalse(Event.search([("name", "=", "学术沙龙")]))
        event = Event.create(vals)
        event.action_confirm()
        with self.assertRefused(UserError, "学术沙龙", "attended"):
            event.action_done()
        self.assertEqual(event.state, "confirmed")
