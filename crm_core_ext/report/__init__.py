from . import crm_credit_exposure_report
