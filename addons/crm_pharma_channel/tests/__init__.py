from . import test_recall_channel
from . import test_i18n
