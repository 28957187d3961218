{
    "name": "Channel Anti-Diversion for the Service Desk",
    "summary": "Opens a diversion case (窜货) when a service request names a lot delivered to a dealer "
    "for another territory, and shows the cases on the request",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM China Suite",
    "website": "https://github.com/crm-china-suite",
    "license": "LGPL-3",
    "depends": ["crm_channel_mgmt", "crm_service_desk"],
    "data": [
        "views/crm_service_request_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
