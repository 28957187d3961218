from odoo import api, models


class ReportRecallLetter(models.AbstractModel):
    _name = "report.crm_industry_pharma.report_recall_letter"
    _description = "Recall Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["crm.pharma.recall.line"].browse(docids)
        # a clear access error before rendering, not one wrapped in the template's
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "crm.pharma.recall.line", "docs": docs}


class ReportRecallAuthority(models.AbstractModel):
    _name = "report.crm_industry_pharma.report_recall_authority"
    _description = "Recall Report for the Authority"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["crm.pharma.recall"].browse(docids)
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "crm.pharma.recall", "docs": docs}
