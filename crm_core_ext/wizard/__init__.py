from . import crm_credit_approval_wizard
from . import crm_lifecycle_move_wizard
from . import crm_lead_lost
from . import crm_customer_assign_wizard
from . import crm_customer_transfer_wizard
from . import crm_customer_release_wizard
from . import crm_partner_import
from . import base_partner_merge_automatic_wizard
