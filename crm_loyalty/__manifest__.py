{
    "name": "CRM Loyalty Points (China)",
    "summary": "Points ledger with expiring batches, tiers, rules by customer category, "
    "accrual on invoice or payment, reversal on credit notes and returns, statements",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    # delivery: shipping lines earn no points (sale_loyalty_delivery, installed
    # with it, keeps them out of the amounts), and Odoo 18.0 before
    # odoo/odoo#194839 cannot apply a discount reward with taxes without it
    "depends": ["crm_core_ext", "sale_loyalty", "sale_stock", "delivery", "account", "portal"],
    "data": [
        "security/crm_loyalty_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "report/crm_loyalty_statement_report.xml",
        "report/crm_loyalty_statement_templates.xml",
        "wizard/crm_loyalty_adjust_wizard_views.xml",
        "views/crm_loyalty_ledger_views.xml",
        "views/loyalty_program_views.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/crm_loyalty_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_loyalty/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
