from . import crm_credit_approval_wizard
from . import crm_lifecycle_move_wizard
from . import crm_partner_import
from . import base_partner_merge_automatic_wizard
