from . import crm_channel_sellthrough_import
from . import crm_channel_diversion_confirm
