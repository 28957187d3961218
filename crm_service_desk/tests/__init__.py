from . import test_routing
from . import test_sla
from . import test_escalation
from . import test_request
from . import test_tour
from . import test_service_plan
