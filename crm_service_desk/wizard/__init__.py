from . import crm_service_move_wizard
