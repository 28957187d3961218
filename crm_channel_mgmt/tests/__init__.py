from . import test_network
from . import test_authorization_gate
from . import test_security
from . import test_portal
from . import test_portal_tour
from . import test_i18n
from . import test_sellthrough
from . import test_sellthrough_portal
