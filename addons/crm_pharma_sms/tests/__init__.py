from . import test_recall_sms
from . import test_i18n
