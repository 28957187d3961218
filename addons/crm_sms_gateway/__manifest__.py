{
    "name": "SMS Gateway (SOAP WebService, China)",
    "summary": "Send and receive SMS through the company's own SOAP gateway (运营商/短信平台) instead of IAP, "
    "exactly once, with retries, bulk approval, opt-out and inbound keywords",
    "version": "18.0.1.0.0",
    "category": "Marketing/SMS",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["sms", "phone_validation", "mail", "crm_core_ext"],
    "external_dependencies": {"python": ["zeep", "phonenumbers"]},
    "data": [
        "security/crm_sms_gateway_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/sms_gateway_views.xml",
        "views/sms_sms_views.xml",
        "views/sms_gateway_bulk_views.xml",
        "views/sms_gateway_inbound_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_sms_gateway_menus.xml",
    ],
    "demo": ["demo/sms_gateway_demo.xml"],
    "assets": {
        "web.assets_tests": ["crm_sms_gateway/static/tests/tours/*.js"],
    },
    "installable": True,
}
