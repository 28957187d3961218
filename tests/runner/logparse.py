"""Read Odoo 18.0's server log and count what the test run did.

Lines that matter (see odoo/tests/result.py, odoo/tests/suite.py,
odoo/modules/loading.py, odoo/service/server.py, odoo/tests/common.py):

- ``<test module logger>: Starting Class.test_method ...``  (INFO, OdooTestResult.startTest)
- ``<test module logger>: FAIL: Class.test_method`` / ``ERROR: ...``  (ERROR, logError,
  followed by the traceback on the next lines of the same record)
- ``<logger>: skipped Class.test_method : reason``  (INFO, addSkip). A browser test
  skips when websocket-client is missing ("websocket-client module is not
  installed") or when no Chrome/Chromium is found ("Chrome executable not found").
  A skip raised by setUpClass is reported as ``skipped setUpClass (module.Class) : reason``.
- ``odoo.tests.result: 1 failed, 0 error(s) of 12 tests when loading database 'db'``
  (the run's totals; OdooTestResult.__str__ does not include skips)
- ``odoo.modules.loading: Module x: 1 failures, 0 errors of 3 tests`` and
  ``At least one test failed when loading the modules.`` (ERROR summaries)
- ``odoo.service.server: Failed to initialize database `db`.`` (CRITICAL)
- ``<test module logger>: Chrome pid: 123`` / ``Open "..." in browser`` (a browser test)
"""

import re
from collections import Counter
from dataclasses import dataclass, field

RECORD_RE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<pid>\d+) (?P<level>[A-Z]+|\?) "
    r"(?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$"
)
STARTING_RE = re.compile(r"^Starting (?P<test>\S+) \.\.\.")
FAIL_RE = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<test>.+?)\s*$")
SUBTEST_RE = re.compile(r"^Subtest (?P<test>\S+)")
SKIP_RE = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*?)(?: - - -| \d+ [\d.]+ [\d.]+)?\s*$")
RESULT_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database"
)
MODULE_RE = re.compile(r"^odoo\.addons\.(?P<module>[^.]+)\.")
BROWSER_RE = re.compile(r'^(Chrome pid: |Open ".*" in browser|websocket-client module is not installed)')
BROWSER_SKIP_RE = re.compile(r"websocket|chrome|chromium|browser|devtools", re.IGNORECASE)

# ERROR lines that only summarise failures already counted through FAIL:/ERROR:
SUMMARY_ERRORS = (
    re.compile(r"^Module \S+: \d+ failures, \d+ errors of \d+ tests"),
    re.compile(r"^At least one test failed when loading the modules"),
    re.compile(r"when loading database '"),
    re.compile(r": at least one error occurred in a test"),
)
TEST_BOUNDARY_LOGGERS = ("odoo.modules.loading", "odoo.service.server", "odoo.tests.result", "odoo.tests.stats")


@dataclass
class TestOutcome:
    module: str
    name: str
    odoo_status: str = "passed"  # what Odoo reported: passed | failed | error | skipped
    browser: bool = False
    reason: str = ""
    log_error: str = ""  # an ERROR/CRITICAL line logged while the test ran

    @property
    def status(self):
        if self.odoo_status == "passed" and self.log_error:
            return "log-error"
        return self.odoo_status


@dataclass
class LogReport:
    tests: dict = field(default_factory=dict)  # (module, name) -> TestOutcome
    class_errors: list = field(default_factory=list)  # setUpClass/tearDownClass errors
    class_skips: list = field(default_factory=list)  # (description, reason)
    outside_errors: list = field(default_factory=list)  # ERROR/CRITICAL lines outside any test
    warnings: int = 0
    result: dict | None = None  # totals from odoo.tests.result
    critical: bool = False

    # -- counts ---------------------------------------------------------------
    @property
    def run(self):
        return self.result["run"] if self.result else len(self.tests)

    @property
    def failures(self):
        return self.result["failed"] if self.result else self._count("failed")

    @property
    def errors(self):
        if self.result:
            return self.result["errors"]
        return self._count("error") + len(self.class_errors)

    @property
    def skipped(self):
        return self._count("skipped") + len(self.class_skips)

    @property
    def passed(self):
        return self._count("passed")

    @property
    def log_errors(self):
        """Unexpected ERROR/CRITICAL lines that Odoo's own counts do not include."""
        during = [f"during {t.module}: {t.name}: {t.log_error}" for t in self.tests.values() if t.status == "log-error"]
        return self.outside_errors + during

    @property
    def browser_tests(self):
        return [
            t for t in self.tests.values() if t.browser or (t.status == "skipped" and BROWSER_SKIP_RE.search(t.reason))
        ]

    @property
    def browser_skips(self):
        items = [(f"{t.module}: {t.name}", t.reason) for t in self.tests.values() if t.status == "skipped"]
        items += self.class_skips
        return [(d, r) for d, r in items if BROWSER_SKIP_RE.search(r) or BROWSER_SKIP_RE.search(d)]

    def _count(self, status):
        return sum(1 for t in self.tests.values() if t.status == status)

    def per_module(self):
        return Counter(t.module for t in self.tests.values())


class LogParser:
    """Feed it the server's output line by line; read :attr:`report` at the end."""

    def __init__(self):
        self.report = LogReport()
        self.current = None  # TestOutcome being run
        self.record = None  # match of the record being read (for continuation lines)

    def feed(self, line):
        """Parse one line; return the record's level ('' for a continuation line)."""
        line = line.rstrip("\n")
        match = RECORD_RE.match(line)
        if not match:
            return ""
        self.record = match
        self._handle(match["level"], match["logger"], match["msg"])
        return match["level"]

    def _test_key(self, logger, name):
        module_match = MODULE_RE.match(logger)
        module = module_match["module"] if module_match else logger
        return module, name

    def _handle(self, level, logger, msg):
        if logger.startswith(TEST_BOUNDARY_LOGGERS):
            self.current = None
        if logger == "odoo.tests.result":
            result = RESULT_RE.search(msg)
            if result:  # INFO when green, WARNING when no test ran, ERROR when red
                self.report.result = {k: int(v) for k, v in result.groupdict().items()}
                return
        if level == "WARNING":
            self.report.warnings += 1
        if level in ("INFO", "WARNING"):
            self._on_info(logger, msg)
        elif level in ("ERROR", "CRITICAL"):
            self.report.critical = self.report.critical or level == "CRITICAL"
            self._on_error(level, logger, msg)

    def _on_info(self, logger, msg):
        rep = self.report
        started = STARTING_RE.match(msg)
        if started:
            module, name = self._test_key(logger, started["test"])
            self.current = rep.tests[(module, name)] = TestOutcome(module, name)
            return
        skipped = SKIP_RE.match(msg)
        if skipped:
            test, reason = skipped["test"], skipped["reason"]
            key = self._test_key(logger, test)
            if key in rep.tests:
                rep.tests[key].odoo_status = "skipped"
                rep.tests[key].reason = reason
            else:
                rep.class_skips.append((test, reason))
            return
        if self.current and BROWSER_RE.match(msg):
            self.current.browser = True

    def _on_error(self, level, logger, msg):
        rep = self.report
        if any(pattern.search(msg) for pattern in SUMMARY_ERRORS):
            return
        failed = FAIL_RE.match(msg)
        if failed:
            subtest = SUBTEST_RE.match(failed["test"])
            key = self._test_key(logger, subtest["test"] if subtest else failed["test"])
            test = rep.tests.get(key)
            if test is None:
                rep.class_errors.append(f"{failed['kind']}: {failed['test']}")
            elif test.odoo_status != "failed":
                test.odoo_status = "failed" if failed["kind"] == "FAIL" else "error"
            return
        if self.current:
            # counted once per test, and not at all when the test fails anyway
            # (e.g. the browser console error of a failing tour)
            if not self.current.log_error:
                self.current.log_error = f"{level} {logger}: {msg}"
            return
        rep.outside_errors.append(f"{level} {logger}: {msg}")
