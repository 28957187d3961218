from . import res_company
from . import res_config_settings
from . import sms_gateway
from . import sms_gateway_bulk
from . import sms_gateway_inbound
from . import sms_sms
