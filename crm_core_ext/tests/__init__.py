from . import test_value
from . import test_credit
from . import test_credit_concurrency
from . import test_lifecycle
from . import test_credit_tour
from . import test_sales_target
from . import test_sales_target_tour
