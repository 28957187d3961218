from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestQualityTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="tour_quality_agent",
            name="Tour Quality Agent",
            groups="crm_service_desk.crm_service_desk_group_user",
            company_id=cls.env.ref("base.main_company").id,
        )
        cls.customer = cls.env["res.partner"].create({"name": "苏州物流有限公司", "is_company": True})
        cls.truck = cls.env["product.product"].create({"name": "X3000 牵引车", "type": "consu"})
        cls.queue = cls.env["crm.service.queue"].create(
            {"name": "Tour Quality Queue", "member_ids": [Command.set(cls.agent.ids)], "assignment_method": "manual"}
        )
        Defect = cls.env["crm.service.defect"]
        cls.defect = Defect.create(
            {
                "name": "冷车启动困难",
                "product_id": cls.truck.id,
                "symptom": "冬季早上发动机无法启动，打不着火",
                "solution": "<p>更换冬季柴油，加热燃油滤清器</p>",
            }
        )
        Defect.create(
            {
                "name": "液压油泄漏",
                "product_id": cls.truck.id,
                "symptom": "举升油缸渗油",
                "solution": "<p>更换密封圈</p>",
            }
        )
        cls.complaint = cls.env["crm.service.request"].create(
            {
                "name": "发动机无法启动",
                "request_type": "complaint",
                "partner_id": cls.customer.id,
                "product_id": cls.truck.id,
                "queue_id": cls.queue.id,
                "user_id": cls.agent.id,
                "description": "<p>客户投诉：冬天早上打不着火</p>",
            }
        )
        cls.complaint.with_user(cls.agent).action_start()

    def test_complaint_solution_and_knowledge_base(self):
        self.start_tour(
            f"/odoo/action-crm_service_desk.crm_service_request_action_complaint/{self.complaint.id}",
            "crm_service_quality_tour",
            login="tour_quality_agent",
        )
        self.assertEqual(self.defect.use_count, 1)
        self.assertEqual(self.complaint.state, "resolved")
        self.assertEqual(self.complaint.root_cause, "燃油滤清器结蜡")
        entry = self.complaint.defect_ids
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.product_id, self.truck)
        self.assertEqual(entry.cause, "燃油滤清器结蜡")
        self.assertIn("更换冬季柴油", entry.solution)
