from . import test_value
from . import test_credit
from . import test_credit_concurrency
from . import test_lifecycle
from . import test_credit_tour
from . import test_partner_import
from . import test_partner_import_tour
from . import test_duplicate
