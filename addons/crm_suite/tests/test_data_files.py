import io
from pathlib import Path

from openpyxl import load_workbook

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open


@tagged("post_install", "-at_install")
class TestDataFiles(TransactionCase):
    """The repository's data/ folder holds the files users are given; they must
    not drift from what the modules produce and test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = Path(get_module_path("crm_suite")).parents[1] / "data"

    def _cells(self, book):
        return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book}

    def test_customer_import_template_is_the_wizards(self):
        self.assertTrue((self.data / "customer_import_template.xlsx").is_file(), self.data)
        shipped = load_workbook(self.data / "customer_import_template.xlsx")
        content = self.env["crm.partner.import"].with_context(lang="zh_CN")._crm_template_content()
        generated = load_workbook(io.BytesIO(content))
        self.assertEqual(shipped.sheetnames, ["客户资料", "说明"])
        self.assertEqual(self._cells(shipped), self._cells(generated))

    def test_legacy_sample_is_the_one_the_import_tests_use(self):
        shipped = (self.data / "legacy_customers_sample.xls").read_bytes()
        with file_open("crm_core_ext/tests/data/legacy_customers_sample.xls", "rb") as tested:
            self.assertEqual(shipped, tested.read())

    def test_readme_lists_every_file(self):
        readme = (self.data / "README.md").read_text(encoding="utf-8")
        for path in self.data.iterdir():
            if path.name != "README.md":
                self.assertIn(f"`{path.name}`", readme)
