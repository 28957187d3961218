#!/usr/bin/env python3
"""odoo-bin for the runner: start Odoo's command line with the Odoo this Python imports,
or the one in SUITE_ODOO_SYS_PATH (set by the runner from ODOO_PATH)."""

import os
import sys

# as odoo-bin: the server's timezone is UTC, set before the time module is imported
os.environ["TZ"] = "UTC"
if os.environ.get("SUITE_ODOO_SYS_PATH"):
    sys.path.insert(0, os.environ["SUITE_ODOO_SYS_PATH"])
# this directory is not an Odoo addon: keep it off the import path
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
