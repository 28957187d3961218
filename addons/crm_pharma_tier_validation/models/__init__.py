from . import crm_pharma_approval
from . import tier_definition
from . import tier_review
from . import crm_pharma_approval_document
