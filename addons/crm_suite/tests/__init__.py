from . import test_suite
