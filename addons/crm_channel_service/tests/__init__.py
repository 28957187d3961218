from . import test_diversion_service
from . import test_i18n
