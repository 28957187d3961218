{
    "name": "CRM Service Desk (China)",
    "summary": "After-sales service requests: queues, routing, working-hour SLA, escalation, portal, ratings",
    "version": "18.0.1.0.0",
    "category": "Services/Helpdesk",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm_core_ext", "portal", "rating", "resource", "stock"],
    "data": [
        "security/crm_service_desk_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "report/crm_service_sla_report_views.xml",
        "wizard/crm_service_move_wizard_views.xml",
        "views/crm_service_request_views.xml",
        "views/crm_service_queue_views.xml",
        "views/crm_service_config_views.xml",
        "views/crm_service_portal_templates.xml",
        "views/crm_service_desk_menus.xml",
    ],
    "demo": [
        "demo/crm_service_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_service_desk/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
