{
    "name": "CRM Channel Management (China)",
    "summary": "Dealer network, territories, authorised products per dealer and a dealer portal, "
    "with the authorisation checked on the server when orders are confirmed",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm_core_ext", "portal"],
    "data": [
        "security/crm_channel_mgmt_security.xml",
        "security/ir.model.access.csv",
        "data/crm_channel_level_data.xml",
        "views/res_config_settings_views.xml",
        "views/crm_channel_mgmt_menus.xml",
        "views/crm_channel_level_views.xml",
        "views/crm_channel_territory_views.xml",
        "views/crm_channel_authorization_views.xml",
        "views/res_partner_views.xml",
        "views/portal_templates.xml",
        "security/crm_channel_sellthrough_security.xml",
        "data/crm_channel_sellthrough_cron_data.xml",
        "wizard/crm_channel_sellthrough_import_views.xml",
        "views/crm_channel_sellthrough_views.xml",
        "views/crm_channel_sellthrough_portal_templates.xml",
    ],
    "demo": [
        "demo/crm_channel_demo.xml",
        "demo/crm_channel_sellthrough_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_channel_mgmt/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
