from . import test_ledger
from . import test_accrual
from . import test_rules
from . import test_tiers
from . import test_multicompany
from . import test_concurrency
from . import test_portal
from . import test_statement
