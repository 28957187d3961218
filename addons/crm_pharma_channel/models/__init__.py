from . import crm_pharma_recall
from . import crm_pharma_recall_channel_line
