{
    "name": "CRM Channel Commissions (China)",
    "summary": "Commissions for salespeople and dealers/agents earned on customer payments (pro rata), "
    "reversed on refunds, settled per period into vendor bills or a payroll report; built on OCA commission_oca",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    # commission_oca is AGPL-3: a module that depends on it is distributed under AGPL-3
    "license": "AGPL-3",
    "depends": ["crm_channel_mgmt", "account", "commission_oca"],
    "external_dependencies": {},
    "data": [
        "security/crm_channel_commission_security.xml",
        "security/ir.model.access.csv",
        "data/crm_channel_commission_data.xml",
        "views/crm_channel_commission_views.xml",
        "views/crm_channel_commission_line_views.xml",
        "views/commission_settlement_commission_views.xml",
        "views/crm_channel_commission_menus.xml",
    ],
    "demo": [
        "demo/crm_channel_commission_demo.xml",
    ],
    "installable": True,
    "application": False,
}
