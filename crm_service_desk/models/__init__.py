from . import crm_service_queue
from . import crm_service_sla
from . import crm_service_routing_rule
from . import crm_service_escalation_level
from . import crm_service_escalation_log
from . import crm_service_assignment
from . import crm_service_request
