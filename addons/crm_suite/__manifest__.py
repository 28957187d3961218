{
    "name": "CRM China Suite",
    "summary": "Installs every module of the suite: customer lifecycle and credit, loyalty points, "
    "service desk, dealer channels; with demo data, a Chinese company and a Chinese administrator",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_core_ext",
        "crm_loyalty",
        "crm_service_desk",
        "crm_channel_mgmt",
        "crm_industry_pharma",
        "crm_sms_gateway",
        "crm_channel_service",
        "crm_pharma_channel",
        "crm_pharma_sms",
    ],
    "data": [],
    "demo": [
        "demo/crm_suite_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_suite/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
