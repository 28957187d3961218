from . import crm_service_sla_report
from . import crm_service_rating_report
