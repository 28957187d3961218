from . import test_ledger
from . import test_accrual
