from . import crm_credit_exposure_report
from . import crm_competitor_report
from . import crm_sales_target_report
