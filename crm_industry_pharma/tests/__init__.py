from . import test_gate
from . import test_approval
from . import test_security
from . import test_expiry
from . import test_approval_tour
from . import test_recall
from . import test_adverse_event
from . import test_i18n
