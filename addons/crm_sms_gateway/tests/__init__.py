from . import test_gateway
from . import test_tour
from . import test_i18n
