from . import test_gate
