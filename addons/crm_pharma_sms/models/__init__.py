from . import crm_pharma_recall_line
