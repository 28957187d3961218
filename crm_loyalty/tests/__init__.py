from . import test_ledger
from . import test_accrual
from . import test_rules
