from . import crm_pharma_recall_ack
from . import crm_pharma_recall_close
