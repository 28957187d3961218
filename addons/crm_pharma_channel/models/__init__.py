from . import crm_pharma_recall
from . import crm_pharma_recall_line
from . import crm_pharma_recall_channel_line
