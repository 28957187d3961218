from . import crm_credit_approval_wizard
from . import crm_lifecycle_move_wizard
from . import crm_sales_target_split
