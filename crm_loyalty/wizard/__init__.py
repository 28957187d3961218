from . import crm_loyalty_adjust_wizard
from . import loyalty_card_update_balance
