import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.res_partner_duplicate import crm_credit_code_check_char, crm_name_key, crm_name_pinyin

# Codes whose check character was computed by hand (GB 32100-2015, weights
# 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, alphabet without I O S V Z):
# real ones (Lenovo (Beijing) Co., Ltd. and Huawei Technologies Co., Ltd.)
# and those of /work/shared/data/legacy_customers_sample.xls, where
# 91510100MA61ABCDE0 is marked "信用代码校验位错误" (its check character is 3).
VALID_CODES = [
    "91110000600037341L",
    "91440300708461136T",
    "91330106MA2B3C4D5D",
    "91110108MA01XY312E",
    "91440300MA5F6G7H8B",
    "91310115MA1H2J3K4G",
]
WRONG_CHECK_CODE = "91510100MA61ABCDE0"


@tagged("post_install", "-at_install")
class TestDuplicate(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.china = cls.env.ref("base.cn")
        cls.company_a = cls.env.company
        cls.company_a.country_id = cls.china
        cls.company_b = cls.env["res.company"].create({"name": "查重 Co B", "country_id": cls.china.id})
        cls.salesman = new_test_user(
            cls.env,
            login="dup_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.salesman_b = new_test_user(
            cls.env,
            login="dup_salesman_b",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.merger = new_test_user(
            cls.env,
            login="dup_merger",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.salesman)
        cls.huawei = cls.env["res.partner"].create(
            {
                "name": "北京华为技术有限公司",
                "is_company": True,
                "company_id": cls.company_a.id,
                "phone": "(010) 6255 1234",
                "email": "Sales@Huawei.example",
                "crm_credit_code": "91110000600037341L",
            }
        )
        cls.huawei_contact = cls.env["res.partner"].create(
            {"name": "赵敏", "parent_id": cls.huawei.id, "mobile": "139 1111 2222", "email": "zhaomin@huawei.example"}
        )

    def _count(self, domain):
        return self.env["res.partner"].with_context(active_test=False).search_count(domain)

    # ------------------------------------------------------------------
    # Normalisation
    # ------------------------------------------------------------------

    def test_normalize_phone(self):
        normalize = self.env["res.partner"]._crm_normalize_phone
        cases = {
            "13800138000": "+8613800138000",
            "138 0013 8000": "+8613800138000",
            "１３７２２２２３３３３": "+8613722223333",  # full-width digits
            "+86 139-0571-2222": "+8613905712222",
            "86-13911112222": "+8613911112222",  # country code without '+'
            "0086 138 0013 8000": "+8613800138000",
            "(010) 6255 1234": "+861062551234",  # landline with area code
            "0571-88886666": "+8657188886666",
            "028-85551234": "+862885551234",
            "（０１０）６２５５－１２３４": "+861062551234",
            "0571-88886666 转 123": "+8657188886666",  # extension dropped
            "0571-88886666-123": "+8657188886666",
            "+1 650-253-0000": "+16502530000",
        }
        for number, expected in cases.items():
            self.assertEqual(normalize(number), expected, number)
        for number in ("", False, None, "1380013800", "62551234", "abc", "+86"):
            self.assertFalse(normalize(number), number)
        # the default region is the country given, else the company's
        self.assertEqual(normalize("2123 4567", self.env.ref("base.hk")), "+85221234567")
        self.assertEqual(normalize("2123 4567", "HK"), "+85221234567")
        self.assertFalse(normalize("2123 4567"))
        self.company_a.country_id = self.env.ref("base.hk")
        self.assertEqual(normalize("2123 4567"), "+85221234567")

    def test_stored_keys(self):
        self.assertEqual(self.huawei.crm_phone_normalized, "+861062551234")
        self.assertEqual(self.huawei.crm_email_normalized, "sales@huawei.example")
        self.assertEqual(self.huawei.crm_name_key, "北京华为")
        self.assertEqual(self.huawei.crm_name_pinyin, "beijinghuawei")
        self.assertEqual(self.huawei_contact.crm_mobile_normalized, "+8613911112222")
        self.assertFalse(self.huawei_contact.crm_name_key, "contact persons are not compared by name")
        self.huawei.phone = "0571-88886666"
        self.assertEqual(self.huawei.crm_phone_normalized, "+8657188886666")

    def test_name_key(self):
        self.assertEqual(crm_name_key("北京华为"), "北京华为")
        self.assertEqual(crm_name_key("北京 华为技术"), "北京华为")
        self.assertEqual(crm_name_key("北京华拓科技股份有限公司"), "北京华拓")
        self.assertEqual(crm_name_key("阿里巴巴（中国）网络技术有限公司"), "阿里巴巴网络")
        self.assertEqual(crm_name_key("Beijing Huawei Technologies Co., Ltd."), "beijinghuawei")
        self.assertEqual(crm_name_key("Costco"), "costco", "latin suffixes are whole words")
        self.assertEqual(crm_name_key("科技有限公司"), "科技", "a name is never reduced to nothing")
        self.assertEqual(crm_name_pinyin("重庆长安"), "chongqingchangan")
        self.assertEqual(crm_name_pinyin(crm_name_key("北京 华为技术")), crm_name_pinyin("beijinghuawei"))

    # ------------------------------------------------------------------
    # Credit code
    # ------------------------------------------------------------------

    def test_credit_code_checksum(self):
        check = self.env["res.partner"]._crm_check_credit_code
        for code in VALID_CODES:
            self.assertEqual(crm_credit_code_check_char(code[:17]), code[17], code)
            self.assertEqual(check(code), code)
        self.assertEqual(check(" 91110000600037341l "), "91110000600037341L", "stripped and upper-cased")
        self.assertEqual(check("９１１１００００６０００３７３４１Ｌ"), "91110000600037341L", "full-width")
        self.assertFalse(check(""))
        self.assertFalse(check(False))
        with self.assertRaisesRegex(ValidationError, WRONG_CHECK_CODE):
            check(WRONG_CHECK_CODE)
        for bad in ("91110000600037341", "911100006000373411L", "9111000060003734IL", "91AB0000600037341L"):
            with self.assertRaisesRegex(ValidationError, bad):
                check(bad)

    def test_invalid_code_refused_on_create_write_load(self):
        before = self._count([])
        with self.assertRaisesRegex(ValidationError, WRONG_CHECK_CODE):
            self.Partner.create({"name": "成都蜀南汽车配件厂", "crm_credit_code": WRONG_CHECK_CODE})
        self.assertEqual(self._count([]), before)

        customer = self.Partner.create({"name": "成都蜀南汽车配件厂", "is_company": True})
        with self.assertRaisesRegex(ValidationError, WRONG_CHECK_CODE):
            customer.write({"crm_credit_code": WRONG_CHECK_CODE, "phone": "028-85551234"})
        customer.invalidate_recordset()
        self.assertFalse(customer.crm_credit_code)
        self.assertFalse(customer.phone, "nothing of the refused write is saved")

        before = self._count([])
        result = self.Partner.load(
            ["name", "crm_credit_code"],
            [["杭州云帆机械有限公司", "91330106MA2B3C4D5D"], ["成都蜀南汽车配件厂", WRONG_CHECK_CODE]],
        )
        self.assertFalse(result["ids"])
        self.assertEqual({message["type"] for message in result["messages"]}, {"error"})
        row_errors = [message for message in result["messages"] if message["record"] == 1]
        self.assertEqual(len(row_errors), 1, "the error names the row")
        self.assertIn(WRONG_CHECK_CODE, row_errors[0]["message"])
        self.assertEqual(self._count([]), before, "all or nothing: the valid row is not saved either")

    def test_duplicate_code_refused_per_company(self):
        code = self.huawei.crm_credit_code
        before = self._count([])
        with self.assertRaisesRegex(ValidationError, "北京华为技术有限公司") as error:
            self.Partner.create({"name": "华为 北京", "company_id": self.company_a.id, "crm_credit_code": code})
        self.assertIn(f"ID {self.huawei.id}", str(error.exception))
        # a shared customer (no company) would be a duplicate in company A too
        with self.assertRaisesRegex(ValidationError, "北京华为技术有限公司"):
            self.Partner.create({"name": "华为 北京", "crm_credit_code": code.lower()})
        self.assertEqual(self._count([]), before)

        other = self.Partner.create({"name": "Other", "is_company": True, "company_id": self.company_a.id})
        with self.assertRaisesRegex(ValidationError, "北京华为技术有限公司"):
            other.write({"crm_credit_code": code})
        self.assertFalse(other.crm_credit_code)

        result = self.Partner.load(["name", "crm_credit_code"], [["华为 北京", code]])
        self.assertFalse(result["ids"])
        self.assertIn("北京华为技术有限公司", result["messages"][0]["message"])

        # two rows of one batch with the same code
        with self.assertRaisesRegex(ValidationError, "given to two customers"):
            self.Partner.create(
                [
                    {"name": "甲", "company_id": self.company_a.id, "crm_credit_code": "91440300MA5F6G7H8B"},
                    {"name": "乙", "company_id": self.company_a.id, "crm_credit_code": "91440300MA5F6G7H8B"},
                ]
            )

        # the same code in another company is another company's customer
        in_b = (
            self.env["res.partner"]
            .with_user(self.salesman_b)
            .create({"name": "北京华为技术有限公司", "company_id": self.company_b.id, "crm_credit_code": code})
        )
        self.assertEqual(in_b.crm_credit_code, code)
        # moving it to company A is refused
        with self.assertRaisesRegex(ValidationError, "北京华为技术有限公司"):
            in_b.sudo().company_id = self.company_a

        # an archived customer still holds its code
        self.huawei.active = False
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.Partner.create({"name": "华为", "company_id": self.company_a.id, "crm_credit_code": code})

    def test_unique_index_backs_the_check(self):
        """Two transactions saving the same code at once: the database refuses the second."""
        racer = self.env["res.partner"].create(
            {"name": "racer", "company_id": self.company_b.id, "crm_credit_code": self.huawei.crm_credit_code}
        )
        racer.flush_recordset()
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self.env.cr.execute("UPDATE res_partner SET company_id = %s WHERE id = %s", [self.company_a.id, racer.id])

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------

    def test_candidates(self):
        huawei = self.huawei.id
        results = self.Partner._crm_duplicate_candidates(
            [
                {"name": "北京 华为技术"},
                {"name": "北京华为"},
                {"name": "Beijing Huawei Co., Ltd."},
                {"name": "北京华威有限公司"},  # a homophone typed with a pinyin input method
                {"name": "张三", "mobile": "+86 10 6255-1234"},
                {"name": "李四", "phone": "13911112222"},  # the mobile of a contact of Huawei
                {"name": "王五", "email": "SALES@huawei.EXAMPLE"},
                {"name": "赵六", "crm_credit_code": "91110000600037341L"},
                {"name": "北京华拓科技股份有限公司"},
                {"name": "上海申达物流有限公司", "phone": "1380013800", "email": "wufang@shenda"},
                {"name": "北京华为技术有限公司", "phone": "010 62551234", "email": "sales@huawei.example"},
                {"name": "孙丽", "parent_id": huawei, "phone": "010-62551234"},  # a new contact of Huawei itself
            ]
        )
        self.assertEqual(
            results,
            [
                {huawei: ["name"]},
                {huawei: ["name"]},
                {huawei: ["name"]},
                {huawei: ["name"]},
                {huawei: ["phone"]},
                {huawei: ["phone"]},
                {huawei: ["email"]},
                {huawei: ["credit_code"]},
                {},
                {},
                {huawei: ["phone", "email", "name"]},
                {},
            ],
        )
        # called on the customer itself: not its own duplicate
        self.assertEqual(self.huawei._crm_duplicate_candidates([self.huawei._crm_duplicate_vals()]), [{}])

    def test_candidates_company_scope(self):
        """A customer of company B is not a candidate in company A, nor readable there."""
        in_b = self.env["res.partner"].create(
            {"name": "深圳市海岸医药连锁有限公司", "company_id": self.company_b.id, "phone": "0755-26001234"}
        )
        vals = [{"name": "深圳市 海岸医药连锁", "phone": "0755 2600 1234"}]
        self.assertEqual(self.Partner._crm_duplicate_candidates(vals), [{}])
        self.assertEqual(
            self.env["res.partner"].with_user(self.salesman_b)._crm_duplicate_candidates(vals),
            [{in_b.id: ["phone", "name"]}],
        )
        # asked for company B by a user of company A: found, but not readable by that user
        self.assertEqual(self.Partner._crm_duplicate_candidates(vals, company=self.company_b), [{}])
        self.assertEqual(
            self.Partner.sudo()._crm_duplicate_candidates(vals, company=self.company_b),
            [{in_b.id: ["phone", "name"]}],
        )

    def test_candidates_query_count(self):
        """A constant number of queries for 1 or 50 customers checked."""
        Partner = self.Partner

        def vals_list(count):
            return [
                {
                    "name": f"北京华为{index}",
                    "phone": f"0571-8888{index:04d}",
                    "email": f"buyer{index}@example.com",
                    "crm_credit_code": VALID_CODES[index % len(VALID_CODES)],
                    "country_id": self.china.id,
                }
                for index in range(count)
            ]

        for _warmup in range(2):
            Partner._crm_duplicate_candidates(vals_list(1))
            Partner._crm_duplicate_candidates(vals_list(50))
        # every criterion (credit code, phone, e-mail, name with its similarity
        # threshold) in one call, then the readable candidates
        with self.assertQueryCount(2):
            Partner._crm_duplicate_candidates(vals_list(1))
        with self.assertQueryCount(2):
            Partner._crm_duplicate_candidates(vals_list(50))

    # ------------------------------------------------------------------
    # Form, review list and merge, as a salesperson
    # ------------------------------------------------------------------

    def test_form_shows_candidates_and_records_pair(self):
        form = Form(self.Partner)
        form.company_type = "company"
        form.name = "北京 华为技术"
        self.assertEqual(form.crm_duplicate_count, 1)
        self.assertIn("北京华为技术有限公司", form.crm_duplicate_info)
        self.assertIn("similar name", form.crm_duplicate_info)
        form.phone = "010 6255 1234"
        self.assertIn("phone", form.crm_duplicate_info)
        partner = form.save()  # a warning only: the customer is saved

        pair = self.env["crm.partner.duplicate"].with_user(self.salesman).search([("partner_id", "=", partner.id)])
        self.assertEqual(pair.duplicate_id, self.huawei)
        self.assertTrue(pair.match_name and pair.match_phone)
        self.assertFalse(pair.match_email)
        self.assertEqual(pair.company_id, self.company_a)

        action = partner.action_crm_view_duplicates()
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.huawei)

        pair.action_dismiss()
        self.assertEqual(pair.state, "dismissed")
        partner.invalidate_recordset()
        self.assertEqual(partner.crm_duplicate_count, 0, "a dismissed pair is not shown again")
        # found again later: stays dismissed
        partner.write({"email": "sales@huawei.example"})
        self.assertEqual(pair.state, "dismissed")
        self.assertTrue(pair.match_email)

        # a salesperson without the contact-creation right cannot merge
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["base.partner.merge.automatic.wizard"].with_user(self.salesman).with_context(
                **pair.action_merge()["context"]
            ).create({})

        # another company's salesperson does not see the pair
        self.assertFalse(self.env["crm.partner.duplicate"].with_user(self.salesman_b).search([]))

    def test_merge_through_host_wizard_keeps_credit_code(self):
        newer = self.Partner.create({"name": "北京华为", "is_company": True, "company_id": self.company_a.id})
        self.huawei.email = False
        older_code = self.huawei.crm_credit_code
        action = newer.with_user(self.merger).action_crm_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.merger)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.partner_ids, newer | self.huawei)
        self.assertEqual(wizard.dst_partner_id, self.huawei, "the oldest customer is kept")
        # keep the newer one: the code moves to it
        wizard.dst_partner_id = newer
        wizard.action_merge()
        self.assertFalse(self.huawei.exists())
        self.assertEqual(newer.crm_credit_code, older_code)
        self.assertEqual(self.huawei_contact.parent_id, newer)

    def test_merge_by_a_contact_manager_with_owner_and_value_fields(self):
        """The host's merge copies every stored value onto the partner kept,
        through ``write``: the ownership and pool fields, which users cannot
        write, stay those of the partner kept, and the value fields (merged
        per company by the host itself) do not stop the merge."""
        kept = self.env["res.partner"].create(
            {"name": "杭州云帆机械有限公司", "is_company": True, "company_id": self.company_a.id}
        )
        merged = self.env["res.partner"].create(
            {"name": "杭州云帆机械", "is_company": True, "company_id": self.company_a.id, "user_id": self.merger.id}
        )
        model = self.env["crm.value.model"].create(
            {
                "name": "Merge test model",
                "company_id": self.company_a.id,
                "active": False,
                "level_ids": [Command.create({"name": "A", "code": "A", "min_score": 0})],
            }
        )
        merged.with_company(self.company_a).write(
            {"crm_value_level_id": model.level_ids.id, "crm_value_score": 80.0, "crm_value_date": "2025-01-01"}
        )
        merged.write({"crm_claimed": True})
        self.assertTrue(merged.crm_owner_since)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.merger)
            .with_context(active_model="res.partner", active_ids=(kept | merged).ids)
            .create({})
        )
        wizard.dst_partner_id = kept
        wizard.action_merge()
        self.assertFalse(merged.exists())
        self.assertRecordValues(
            kept.with_company(self.company_a),
            [
                {
                    "user_id": False,  # the host does not merge the (computed) salesperson
                    "crm_owner_since": False,
                    "crm_claimed": False,
                    "crm_value_level_id": model.level_ids.id,
                    "crm_value_score": 80.0,
                }
            ],
        )

    def test_merge_refuses_two_credit_codes(self):
        other = self.env["res.partner"].create(
            {"name": "北京华为 2", "is_company": True, "crm_credit_code": "91330106MA2B3C4D5D"}
        )
        self.huawei.email = False
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.merger)
            .with_context(active_model="res.partner", active_ids=(other | self.huawei).ids)
            .create({})
        )
        with self.assertRaisesRegex(UserError, "91330106MA2B3C4D5D"):
            wizard.action_merge()
        self.assertTrue(other.exists() and self.huawei.exists())
        self.assertEqual(other.crm_credit_code, "91330106MA2B3C4D5D")

    def test_load_records_pairs(self):
        result = self.Partner.load(
            ["name", "is_company", "phone", "email"],
            [
                ["北京 华为技术", "1", "", ""],
                ["杭州云帆机械有限公司", "1", "138 0013 8000", "wangjg@yunfan.example"],
                ["杭州云帆机械", "1", "", "WANGJG@yunfan.example"],
                ["上海申达物流有限公司", "1", "1380013800", ""],
            ],
        )
        self.assertEqual(result["messages"], [])
        first, yunfan, yunfan_again, _shenda = self.env["res.partner"].browse(result["ids"])
        pairs = self.env["crm.partner.duplicate"].search([("partner_id", "in", result["ids"])])
        self.assertEqual(
            {(pair.partner_id, pair.duplicate_id, pair.match_name, pair.match_email) for pair in pairs},
            {(first, self.huawei, True, False), (yunfan_again, yunfan, True, True)},
            "candidates within the imported rows are found too",
        )

    def test_block_duplicate_phone_setting(self):
        # off by default: a warning only
        self.Partner.create({"name": "某贸易公司", "phone": "13911112222"})
        self.company_a.crm_duplicate_block_phone = True
        before = self._count([])
        with self.assertRaisesRegex(ValidationError, "北京华为技术有限公司"):
            self.Partner.create({"name": "某物流公司", "mobile": "+86 10 6255 1234"})
        self.assertEqual(self._count([]), before)
        other = self.Partner.create({"name": "某物流公司", "phone": "0571-88886666"})
        with self.assertRaisesRegex(ValidationError, "北京华为技术有限公司"):
            other.write({"phone": "13911112222"})  # the mobile of Huawei's contact
        # a new contact of the same customer may share its phone
        contact = self.Partner.create({"name": "孙丽", "parent_id": self.huawei.id, "phone": "010-62551234"})
        self.assertEqual(contact.crm_phone_normalized, "+861062551234")
