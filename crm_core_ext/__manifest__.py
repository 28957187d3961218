{
    "name": "CRM Core Extensions (China)",
    "summary": "Credit control, customer lifecycle and value pyramid on top of Odoo CRM, Sales and Accounting",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm", "sale_crm", "sale_stock", "account"],
    "data": [
        "security/crm_core_ext_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/res_config_settings_views.xml",
        "views/crm_core_ext_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "crm_core_ext/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
