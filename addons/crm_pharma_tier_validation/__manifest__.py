{
    "name": "CRM Pharmaceutical First-Business Approval Tiers",
    "summary": "Configurable reviewers and steps for the first-business approval (首营审批) of customers, "
    "suppliers and drugs, on OCA base_tier_validation",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    # base_tier_validation is AGPL-3: a module that depends on it is distributed
    # under AGPL-3, which is why this bridge is apart from crm_industry_pharma (LGPL-3)
    "license": "AGPL-3",
    "depends": ["crm_industry_pharma", "base_tier_validation"],
    "data": [
        "data/tier_definition_data.xml",
        "views/crm_pharma_approval_views.xml",
        "views/tier_definition_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_pharma_tier_validation/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "auto_install": True,
    "application": False,
}
