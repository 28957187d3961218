from datetime import datetime

import pytz

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

SHANGHAI = pytz.timezone("Asia/Shanghai")


def cst(*args):
    """A naive UTC datetime from a China Standard Time wall clock (UTC+8)."""
    return SHANGHAI.localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


class ServiceCommon(TransactionCase):
    """Two agents and a manager, customers with portal users, queues on a
    Shanghai calendar (Monday to Friday, 8-12 and 13-17) with SLA targets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company2 = cls.env["res.company"].create({"name": "西北重卡服务有限公司"})
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Shanghai office hours", "tz": "Asia/Shanghai", "company_id": cls.company.id}
        )
        both = [Command.set((cls.company | cls.company2).ids)]
        cls.agent1 = new_test_user(
            cls.env,
            login="service_agent1",
            name="李工",
            groups="crm_service_desk.crm_service_desk_group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.agent2 = new_test_user(
            cls.env,
            login="service_agent2",
            name="王工",
            groups="crm_service_desk.crm_service_desk_group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.senior = new_test_user(
            cls.env,
            login="service_senior",
            name="赵总工",
            groups="crm_service_desk.crm_service_desk_group_user",
            company_id=cls.company.id,
            company_ids=both,
        )
        cls.manager = new_test_user(
            cls.env,
            login="service_manager",
            name="陈经理",
            groups="crm_service_desk.crm_service_desk_group_manager",
            company_id=cls.company.id,
            company_ids=both,
        )
        cls.jiangsu = cls.env.ref("base.state_cn_JS")
        cls.shaanxi = cls.env.ref("base.state_cn_SN")
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {"name": "苏州物流有限公司", "is_company": True, "state_id": cls.jiangsu.id, "email": "a@example.com"}
        )
        cls.contact_a = Partner.create({"name": "张伟", "parent_id": cls.customer_a.id, "email": "zw@example.com"})
        cls.customer_b = Partner.create(
            {"name": "西安运输集团", "is_company": True, "state_id": cls.shaanxi.id, "email": "b@example.com"}
        )
        cls.contact_b = Partner.create({"name": "刘洋", "parent_id": cls.customer_b.id, "email": "ly@example.com"})
        cls.portal_a = new_test_user(cls.env, login="portal_a", groups="base.group_portal", partner_id=cls.contact_a.id)
        cls.portal_b = new_test_user(cls.env, login="portal_b", groups="base.group_portal", partner_id=cls.contact_b.id)
        # new_test_user gives the partners a made-up address: restore theirs
        cls.contact_a.email = "zw@example.com"
        cls.contact_b.email = "ly@example.com"
        Queue = cls.env["crm.service.queue"]
        cls.queue_manual = Queue.create(
            {
                "name": "Hotline",
                "member_ids": [Command.set((cls.agent1 | cls.agent2).ids)],
                "manager_id": cls.manager.id,
                "calendar_id": cls.calendar.id,
                "assignment_method": "manual",
            }
        )
        cls.queue_senior = Queue.create(
            {
                "name": "Senior Engineers",
                "member_ids": [Command.set(cls.senior.ids)],
                "manager_id": cls.manager.id,
                "calendar_id": cls.calendar.id,
                "assignment_method": "least_loaded",
            }
        )
        cls.queue_rr = Queue.create(
            {
                "name": "Truck Repairs",
                "member_ids": [Command.set((cls.agent1 | cls.agent2).ids)],
                "manager_id": cls.manager.id,
                "calendar_id": cls.calendar.id,
                "assignment_method": "round_robin",
                "escalation_queue_id": cls.queue_senior.id,
            }
        )
        cls.queue_ll = Queue.create(
            {
                "name": "Field Service",
                "member_ids": [Command.set((cls.agent1 | cls.agent2).ids)],
                "calendar_id": cls.calendar.id,
                "assignment_method": "least_loaded",
            }
        )
        cls.env["crm.service.sla"].create(
            [
                {"queue_id": cls.queue_rr.id, "priority": "1", "response_hours": 2, "resolution_hours": 8},
                {"queue_id": cls.queue_rr.id, "priority": "3", "response_hours": 1, "resolution_hours": 4},
                {"queue_id": cls.queue_manual.id, "priority": "1", "response_hours": 4, "resolution_hours": 16},
                {"queue_id": cls.queue_senior.id, "priority": "1", "response_hours": 1, "resolution_hours": 4},
            ]
        )
        # The tests choose their own rules and levels.
        cls.env["crm.service.routing.rule"].search([]).active = False
        cls.env["crm.service.escalation.level"].search([]).active = False

    @classmethod
    def _request(cls, user=None, **values):
        vals = {"name": "发动机无法启动", "partner_id": cls.customer_a.id}
        vals.update(values)
        env = cls.env(user=user) if user else cls.env
        return env["crm.service.request"].create(vals)
