from . import crm_channel_sellthrough_import
