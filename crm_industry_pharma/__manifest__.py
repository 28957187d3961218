{
    "name": "CRM Pharmaceutical Industry (China GSP)",
    "summary": "GSP licences and business scope of customers and suppliers, drug master data and "
    "first-business approval (首营), checked on the server when orders, deliveries and purchases are confirmed",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm_core_ext", "sale_stock", "purchase_stock", "product_expiry"],
    "data": [
        "security/crm_industry_pharma_security.xml",
        "security/ir.model.access.csv",
        "data/crm_pharma_licence_type_data.xml",
        "data/crm_pharma_scope_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_industry_pharma_menus.xml",
        "views/crm_pharma_licence_type_views.xml",
        "views/crm_pharma_scope_views.xml",
        "views/crm_pharma_licence_views.xml",
        "views/crm_pharma_approval_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/purchase_order_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/crm_industry_pharma_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_industry_pharma/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
