from . import test_data_files, test_suite
