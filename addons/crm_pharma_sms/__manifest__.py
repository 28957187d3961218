{
    "name": "CRM Pharma: Recall Notices by SMS",
    "summary": "Lot recall notices (召回通知) also sent by SMS through the suite's SMS gateway",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm_industry_pharma", "crm_sms_gateway"],
    "data": [
        "data/sms_template_data.xml",
        "views/crm_pharma_recall_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
