from . import test_diversion_service
