from . import test_i18n
from . import test_tier_approval
from . import test_tier_security
from . import test_tier_tour
