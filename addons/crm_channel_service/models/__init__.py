from . import crm_channel_diversion
from . import crm_service_request
