{
    "name": "CRM Pharmaceutical Recall through the Dealer Chain",
    "summary": "A lot recall also lists the terminal customers (hospitals, pharmacies) that dealers reported "
    "selling the recalled lots to, for the dealers to inform",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm_industry_pharma", "crm_channel_mgmt"],
    "data": [
        "security/crm_pharma_channel_security.xml",
        "security/ir.model.access.csv",
        "views/crm_pharma_recall_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
