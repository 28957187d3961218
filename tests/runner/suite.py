#!/usr/bin/env python3
"""Run or test the CRM suite on an existing Odoo 18.0 (see README.md).

    python3 tests/runner/suite.py serve     # set up, then serve with demo data at http://localhost:8069
    python3 tests/runner/suite.py test      # static checks, Odoo tests and browser tours; ends on "N passed, N failed"
    python3 tests/runner/suite.py bench <name> [args]   # tests/benchmarks/bench_<name>.py
    python3 tests/runner/suite.py doctor    # where Odoo, PostgreSQL and Chromium are
    python3 tests/runner/suite.py deps      # pip install the suite's requirements (and the linters)

Odoo itself is never installed by this script: it uses the Odoo that this
Python imports, or the source tree in ODOO_PATH.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_env  # noqa: E402
from odoo_env import REPO, RUNNER_DIR, OdooNotFound  # noqa: E402

CHROME_NAMES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")  # odoo/tests/common.py


def log(msg):
    print(f"[suite] {msg}", flush=True)


def fail_setup(msg, final_line=False, code=2):
    print(f"\nERROR: {msg}", file=sys.stderr, flush=True)
    if final_line:
        print("0 passed, 1 failed", flush=True)
    sys.exit(code)


def locate_odoo(final_line=False):
    try:
        install = odoo_env.find_odoo()
    except OdooNotFound as exc:
        fail_setup(str(exc), final_line=final_line)
    log(f"Odoo {install.version} at {install.package_dir} (python {sys.executable})")
    return install


def select_modules(args, final_line=False):
    suite_dirs = odoo_env.suite_addons_dirs(args.extra_addons)
    own = odoo_env.discover_modules(suite_dirs[: 2 if (REPO / "addons") in suite_dirs else 1])
    every = odoo_env.discover_modules(suite_dirs)
    if args.modules:
        names = [m.strip() for m in args.modules.split(",") if m.strip()]
        unknown = [m for m in names if m not in every]
        if unknown:
            where = ", ".join(map(str, suite_dirs))
            fail_setup(f"unknown module(s) {', '.join(unknown)} (looked in {where})", final_line=final_line)
        modules = {name: every[name] for name in names}
    else:
        modules = own
    if not modules:
        fail_setup("no module with a __manifest__.py at the repository root or under addons/", final_line=final_line)
    return suite_dirs, modules


def setup_postgres(args, final_line=False):
    import pg  # noqa: PLC0415  (needs psycopg2, i.e. Odoo's requirements)

    try:
        target = pg.ensure_server(args.pg)
        pg.ensure_role(target)
    except pg.PgError as exc:
        fail_setup(str(exc), final_line=final_line)
    where = f"{target.host}:{target.port}" if target.host else "the default local socket"
    log(f"PostgreSQL is ready ({'private cluster, ' if target.private else ''}{where})")
    return target


def install_deps(install, args, with_lint, final_line=False):
    if args.no_deps:
        return
    import deps  # noqa: PLC0415

    if not deps.install(install, with_lint=with_lint):
        fail_setup("the suite's Python requirements could not be installed", final_line=final_line)


def base_odoo_args(install, suite_dirs, target, db):
    return [
        "--config",
        str(REPO / "odoo.conf"),
        "--addons-path",
        odoo_env.addons_path(install, suite_dirs),
        "--data-dir",
        str(RUNNER_DIR / "odoo-data"),
        "--database",
        db,
        "--db-filter",
        f"^{db}$",
        *target.odoo_args(),
    ]


# --------------------------------------------------------------------------- serve
def cmd_serve(args):
    import pg  # noqa: PLC0415

    install = locate_odoo()
    suite_dirs, modules = select_modules(args)
    install_deps(install, args, with_lint=False)
    target = setup_postgres(args)
    common = base_odoo_args(install, suite_dirs, target, args.db)
    env = install.environ()
    installed = pg.installed_modules(target, args.db, modules) if pg.database_exists(target, args.db) else set()
    missing = [m for m in modules if m not in installed]
    steps = []
    if missing:
        steps.append(("installing " + ", ".join(missing) + " with demo data", ["--init", ",".join(missing)]))
    if args.update and installed:
        steps.append(("updating " + ", ".join(sorted(installed)), ["--update", ",".join(sorted(installed))]))
    for title, extra in steps:
        log(f"database {args.db}: {title}")
        cmd = install.command(*common, *extra, "--stop-after-init", "--workers", "0", "--max-cron-threads", "0")
        rc = subprocess.run(cmd, cwd=REPO, env=env, check=False).returncode
        if rc != 0:
            fail_setup(f"Odoo could not set up database {args.db} (exit code {rc}); see the log above", code=1)
    cmd = install.command(*common, "--http-interface", args.interface, "--http-port", str(args.port), *args.odoo_args)
    log(f"serving database {args.db} at http://localhost:{args.port}  (login admin / password admin)")
    sys.stdout.flush()
    os.chdir(REPO)
    os.execve(cmd[0], cmd, env)


# --------------------------------------------------------------------------- test
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def browser_preflight():
    """Warn early about what makes Odoo skip browser tests (a skipped tour fails the run)."""
    problems = []
    try:
        import websocket  # noqa: PLC0415, F401
    except ImportError:
        problems.append("websocket-client is not importable (pip install -r requirements.txt)")
    if not any(shutil.which(name) for name in CHROME_NAMES):
        problems.append(
            "no Chrome/Chromium in PATH (looked for " + ", ".join(CHROME_NAMES) + "; Debian: apt-get install chromium)"
        )
    for problem in problems:
        log(f"WARNING: browser tests will be skipped, which fails the run: {problem}")


class Echo:
    """Decide which of Odoo's log lines to show on the console (all go to the log file)."""

    def __init__(self, modules, verbose):
        self.verbose = verbose
        self.test_loggers = tuple(f"odoo.addons.{m}." for m in modules)
        self.showing = False

    def __call__(self, line, parser, level):
        if self.verbose:
            return True
        if not level:  # continuation line of the previous record
            return self.showing
        record = parser.record
        logger, msg = record["logger"], record["msg"]
        self.showing = (
            level not in ("INFO", "DEBUG")
            or (logger.startswith(self.test_loggers) and msg.startswith(("Starting ", "skipped ")))
            or logger.startswith(("odoo.tests.result", "odoo.tests.stats"))
            or (logger == "odoo.service.server" and ("post-tests in" in msg or msg.startswith("Starting post tests")))
            or (logger == "odoo.modules.loading" and (" loaded in " in msg or "modules loaded" in msg))
        )
        return self.showing


# Odoo modules each suite module extends: their own post_install tests run too,
# with the suite installed, so that installing the suite is shown not to break
# the host. (Their at_install tests would run before the suite's modules are
# loaded, and prove nothing about them; account's and stock's post_install
# tests take most of an hour, and the suite changes neither unless a company
# turns on the gates that crm_core_ext tests itself.)
HOST_TESTS = {
    "crm_core_ext": ("crm", "sale", "sale_crm", "sale_stock"),
    "crm_loyalty": ("loyalty", "sale_loyalty", "sale_loyalty_delivery"),
    "crm_service_desk": ("repair",),
    "crm_channel_mgmt": ("sale", "portal"),
    "crm_industry_pharma": ("purchase", "purchase_stock"),
    "crm_sms_gateway": ("sms", "phone_validation"),
    # crm_channel_service (bridge of crm_channel_mgmt and crm_service_desk)
    # extends only the suite's own models: no host tests of its own.
    # crm_channel_commission earns commissions in account.partial.reconcile
    # create/unlink; account's own post_install tests (most of an hour here)
    # are run by hand with it (README), not on every CI run.
}


def host_test_modules(modules):
    """The host modules whose post_install tests run with these suite modules."""
    hosts = []
    for module in modules:
        hosts += [h for h in HOST_TESTS.get(module, ()) if h not in hosts]
    return hosts


def test_tags(args, modules):
    if args.test_tags:
        return args.test_tags
    tags = [f"/{m}" for m in modules]
    if not args.no_host_tests:
        tags += [f"post_install/{m}" for m in host_test_modules(modules)]
    return ",".join(tags)


class TestPass:
    """One Odoo run of the test command: a fresh database, installed with or
    without demo data, and the test tags it runs."""

    def __init__(self, label, db, demo, tags, modules):
        self.label, self.db, self.demo, self.tags, self.modules = label, db, demo, tags, modules
        self.report = self.rc = self.logfile = None


# Modules installed alone into a database of their own (with demo data), with
# their own tests: the meta module makes its demo database Chinese (company,
# administrator's language), which the host's own tests do not expect; and
# crm_channel_commission brings OCA's commission_oca, whose agents synced on
# every contact add 8 queries to crm's own mass-convert query budget
# (crm's TestLeadConvertMass.test_mass_convert_performances), so the host's
# tests run without it (README, "Test the suite").
# addons/crm_pharma_tier_validation (OCA's base_tier_validation) is not among
# them: with it installed, crm_industry_pharma's tests and tour and purchase's
# and purchase_stock's post_install tests pass unchanged, so it is tested in
# the main databases with the rest of the suite.
META_MODULES = ("crm_suite", "crm_channel_commission")


def test_passes(args, modules):
    """The demo pass runs everything (the suite's tests, its tours and the host
    modules' tests); the pass without demo data runs the suite's own tests and
    tours again, to show that none of them leans on demo records; a meta module
    is installed alone (it pulls in the rest) into a third database with demo
    data, as `serve` installs it, and runs its own tests."""
    meta = [m for m in modules if m in META_MODULES]
    rest = [m for m in modules if m not in META_MODULES]
    passes = []
    if rest:
        passes.append(TestPass("with demo data", args.db, True, test_tags(args, rest), rest))
        if not args.demo_only:
            tags = args.test_tags or ",".join(f"/{m}" for m in rest)
            passes.append(TestPass("without demo data", f"{args.db}_nodemo", False, tags, rest))
    for module in meta:
        tags = args.test_tags or f"/{module}"
        passes.append(TestPass(f"of {module} alone, with demo data", f"{args.db}_{module}", True, tags, [module]))
    return passes


def run_odoo_tests(args, install, suite_dirs, target, test_pass):
    from logparse import LogParser  # noqa: PLC0415

    tags, modules = test_pass.tags, test_pass.modules
    logs = RUNNER_DIR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    logfile = logs / f"test-{test_pass.db}.log"
    port = free_port()
    cmd = install.command(
        *base_odoo_args(install, suite_dirs, target, test_pass.db),
        *(() if test_pass.demo else ("--without-demo", "all")),
        "--init",
        ",".join(modules),
        "--test-enable",
        "--test-tags",
        tags,
        "--stop-after-init",
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(port),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--log-level",
        "info",
    )
    log(f"Odoo tests: installing {', '.join(modules)} {test_pass.label} into a fresh database {test_pass.db}")
    log(f"test tags {tags}; HTTP (for browser tours) on 127.0.0.1:{port}; full log: {logfile}")
    parser, echo = LogParser(), Echo(modules, args.verbose)
    env = install.environ()
    env.pop("ODOO_PY_COLORS", None)
    started = time.time()
    with open(logfile, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
        )
        try:
            for line in proc.stdout:
                out.write(line)
                level = parser.feed(line)
                if echo(line, parser, level):
                    sys.stdout.write(line)
                    sys.stdout.flush()
            rc = proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
    log(f"Odoo exited with code {rc} after {time.time() - started:.0f}s")
    test_pass.report, test_pass.rc, test_pass.logfile = parser.report, rc, logfile


def cmd_test(args):
    install = locate_odoo(final_line=True)
    suite_dirs, modules = select_modules(args, final_line=True)
    install_deps(install, args, with_lint=not args.no_static, final_line=True)

    static_results = []
    if not args.no_static:
        from static import run_static  # noqa: PLC0415

        static_results = run_static(list(modules.values()), fmt=args.format_check)

    target = setup_postgres(args, final_line=True)
    browser_preflight()
    passes = test_passes(args, modules)
    for test_pass in passes:
        run_pass(args, install, suite_dirs, target, test_pass)
    return summarize(args, static_results, passes)


def run_pass(args, install, suite_dirs, target, test_pass):
    import pg  # noqa: PLC0415

    db = test_pass.db
    lock = pg.DbLock(target, db)
    if not lock.acquire():
        fail_setup(f"another test run is using database {db}; wait for it or pass --db NAME", final_line=True)
    try:
        pg.drop_database(target, db)
        shutil.rmtree(RUNNER_DIR / "odoo-data" / "filestore" / db, ignore_errors=True)
        try:
            run_odoo_tests(args, install, suite_dirs, target, test_pass)
        finally:
            if not args.keep_db:
                pg.drop_database(target, db)
                shutil.rmtree(RUNNER_DIR / "odoo-data" / "filestore" / db, ignore_errors=True)
            else:
                log(f"kept database {db}")
    finally:
        lock.release()


def classify_skips(args, modules, report):
    """A skipped browser test fails the run, and so does any skipped test of
    the suite's modules. A host module's test that skips itself by design (it
    needs an app or a module that is not installed) is reported only.

    :return: (summary lines, failing skips, host skips not counted)
    """
    lines, failures, host_skips = [], [], 0
    browser_skips = {desc for desc, _reason in report.browser_skips}
    skips = [(f"{t.module}: {t.name}", t.reason) for t in report.tests.values() if t.status == "skipped"]
    hosts = set(host_test_modules(modules))
    for desc, reason in skips + report.class_skips:
        module = desc.split(":")[0].strip()
        host = module in hosts
        fatal = desc in browser_skips or not (args.allow_skips or host)
        note = " -> counted as failed" if fatal else (" (a host test skipping itself: not counted)" if host else "")
        lines.append(f"  SKIPPED: {desc} ({reason}){note}")
        if fatal:
            failures.append(desc)
        elif host:
            host_skips += 1
    return lines, failures, host_skips


def summarize_static(static_results):
    lines = []
    if static_results:
        passed = sum(1 for r in static_results if r.ok)
        failed = len(static_results) - passed
        states = ", ".join(f"{r.name}: {'ok' if r.ok else 'FAILED'}" for r in static_results)
        lines.append(f"Static checks: {len(static_results)} run, {passed} passed, {failed} failed ({states})")
        for r in static_results:
            if not r.ok and r.detail:
                detail = r.detail.splitlines()
                lines += ["  " + d for d in detail[:25]]
                if len(detail) > 25:
                    lines.append(f"  ... {len(detail) - 25} more lines above")
    else:
        lines.append("Static checks: not run (--no-static)")
    return lines


def summarize_pass(args, test_pass):
    """Summary lines of one Odoo run, and its (passed, failed, host skips)."""
    report, rc, modules = test_pass.report, test_pass.rc, test_pass.modules
    lines = [f"Odoo run {test_pass.label} (database {test_pass.db}, tags {test_pass.tags}):"]
    odoo_failed = report.failures + report.errors
    lines.append(
        f"Odoo tests: {report.run} run, {report.passed} passed, {odoo_failed} failed "
        f"({report.errors} errors), {report.skipped} skipped"
    )
    per_module = report.per_module()
    lines.append("  per module: " + ", ".join(f"{m} {per_module.get(m, 0)}" for m in modules))
    for module in modules:
        if not per_module.get(module):
            lines.append(f"  note: no test of {module} ran")
    browser = report.browser_tests
    lines.append(
        f"  browser tests (tours, headless Chromium): {len(browser)} run, "
        f"{sum(1 for t in browser if t.status == 'passed')} passed, "
        f"{sum(1 for t in browser if t.status == 'skipped')} skipped"
    )
    for test in report.tests.values():
        if test.status in ("failed", "error"):
            lines.append(f"  {test.status.upper()}: {test.module}: {test.name}")
    for item in report.class_errors:
        lines.append(f"  {item}")

    skip_lines, skip_failures, host_skips = classify_skips(args, modules, report)
    lines += skip_lines
    if report.browser_skips:
        lines.append("  a skipped browser test is a failure: install websocket-client and Chromium (README.md)")

    log_errors = report.log_errors
    lines.append(f"Unexpected ERROR/CRITICAL log lines: {len(log_errors)}")
    lines += [f"  {e[:300]}" for e in log_errors[:20]]

    infra = []
    if report.result is None:
        infra.append("Odoo did not report test totals: it stopped before the tests ended (see the log)")
    elif report.run == 0:
        infra.append("no Odoo test ran (a run without tests is a failure)")
    failed = odoo_failed + len(skip_failures) + len(log_errors) + len(infra)
    if rc != 0 and failed == 0:
        infra.append(f"Odoo exited with code {rc}")
        failed += 1
    lines += [f"FAILURE: {item}" for item in infra]
    lines.append(f"Full Odoo log: {test_pass.logfile}")
    return lines, report.passed, failed, host_skips


def summarize(args, static_results, passes):
    lines = ["", "=" * 30 + " Summary " + "=" * 30, *summarize_static(static_results)]
    passed = sum(1 for r in static_results if r.ok)
    failed = len(static_results) - passed
    host_skips = 0
    for test_pass in passes:
        pass_lines, pass_passed, pass_failed, pass_skips = summarize_pass(args, test_pass)
        lines += ["", *pass_lines]
        passed += pass_passed
        failed += pass_failed
        host_skips += pass_skips
    skipped = f", {host_skips} skipped" if host_skips else ""
    lines.append(f"{passed} passed, {failed} failed{skipped}")
    print("\n".join(lines), flush=True)
    return 0 if failed == 0 else 1


# --------------------------------------------------------------------------- bench, doctor, deps
def cmd_bench(args):
    bench_dir = REPO / "tests" / "benchmarks"
    available = sorted(p.stem[len("bench_") :] for p in bench_dir.glob("bench_*.py"))
    if not args.name or args.name not in available:
        print("available benchmarks: " + (", ".join(available) or "(none yet)"))
        print("usage: python3 tests/runner/suite.py bench <name> [args...]")
        return 0 if not args.name else 2
    install = locate_odoo()
    suite_dirs = odoo_env.suite_addons_dirs()
    args.pg = "auto"
    target = setup_postgres(args)
    env = install.environ()
    if target.host:  # a private cluster: libpq (and so Odoo) reads PGHOST/PGPORT
        env["PGHOST"], env["PGPORT"] = target.host, str(target.port)
    env["SUITE_ADDONS_PATH"] = odoo_env.addons_path(install, suite_dirs)
    env["SUITE_REPO"] = str(REPO)
    cmd = [sys.executable, str(bench_dir / f"bench_{args.name}.py"), *args.bench_args]
    return subprocess.run(cmd, cwd=REPO, env=env, check=False).returncode


def cmd_doctor(args):
    install = locate_odoo()
    suite_dirs = odoo_env.suite_addons_dirs()
    print(f"addons path: {odoo_env.addons_path(install, suite_dirs)}")
    print(f"suite modules: {', '.join(odoo_env.discover_modules(suite_dirs)) or '(none)'}")
    import deps  # noqa: PLC0415
    import pg  # noqa: PLC0415

    missing = deps.unsatisfied([*deps.REQUIREMENTS, deps.LINT_REQUIREMENTS])
    print("python requirements: " + ("satisfied" if not missing else "missing " + "; ".join(missing)))
    default = pg.PgTarget(host=os.environ.get("PGHOST"), port=os.environ.get("PGPORT"))
    print(f"postgresql reachable: {pg.is_ready(default)}")
    chrome = next((shutil.which(n) for n in CHROME_NAMES if shutil.which(n)), None)
    print(f"chrome/chromium: {chrome or 'NOT FOUND'}")
    print(f"wkhtmltopdf: {shutil.which('wkhtmltopdf') or 'NOT FOUND'}")
    return 0


def cmd_deps(args):
    install = locate_odoo()
    import deps  # noqa: PLC0415

    return 0 if deps.install(install, with_lint=not args.no_lint, dry_run=args.dry_run) else 1


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, db):
        p.add_argument("--db", default=db, help=f"database name (default {db})")
        p.add_argument("--modules", help="comma-separated modules (default: every module of the suite)")
        p.add_argument(
            "--extra-addons",
            action="append",
            default=[],
            metavar="DIR",
            help="another addons directory to put on the addons path (repeatable)",
        )
        p.add_argument(
            "--pg",
            choices=("auto", "system", "private"),
            default="auto",
            help="PostgreSQL: the running/system server, else a private cluster under .runner/ (default auto)",
        )
        p.add_argument("--no-deps", action="store_true", help="do not pip install requirements.txt")

    serve = sub.add_parser("serve", help="set up and serve the suite with demo data at http://localhost:8069")
    common(serve, "crm_suite")
    serve.add_argument("--port", type=int, default=8069)
    serve.add_argument("--interface", default="127.0.0.1")
    serve.add_argument("--update", action="store_true", help="update the installed suite modules first (-u)")
    serve.add_argument("odoo_args", nargs=argparse.REMAINDER, help="after --: more odoo-bin options")
    serve.set_defaults(func=cmd_serve)

    test = sub.add_parser("test", help="static checks, Odoo tests and browser tours on a fresh database")
    common(test, "crm_suite_test")
    test.add_argument("--keep-db", action="store_true", help="keep the test database afterwards")
    test.add_argument("--no-static", action="store_true", help="skip ruff and pylint-odoo")
    test.add_argument(
        "--no-host-tests",
        action="store_true",
        help="skip the post_install tests of the Odoo modules the suite extends ("
        + "; ".join(f"{m}: {', '.join(h)}" for m, h in HOST_TESTS.items())
        + ")",
    )
    test.add_argument("--format-check", action="store_true", help="also run `ruff format --check`")
    test.add_argument("--test-tags", help="odoo --test-tags value (default: /<module> for every selected module)")
    test.add_argument("--allow-skips", action="store_true", help="do not fail on skipped non-browser tests")
    test.add_argument(
        "--demo-only",
        action="store_true",
        help="skip the second run of the suite's tests on a database without demo data",
    )
    test.add_argument("-v", "--verbose", action="store_true", help="echo Odoo's whole log")
    test.set_defaults(func=cmd_test)

    bench = sub.add_parser("bench", help="run tests/benchmarks/bench_<name>.py")
    bench.add_argument("name", nargs="?")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)

    doctor = sub.add_parser("doctor", help="show where Odoo, PostgreSQL and Chromium are")
    doctor.set_defaults(func=cmd_doctor)

    deps_cmd = sub.add_parser("deps", help="pip install requirements.txt and the pinned linters")
    deps_cmd.add_argument("--no-lint", action="store_true")
    deps_cmd.add_argument("--dry-run", action="store_true")
    deps_cmd.set_defaults(func=cmd_deps)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if getattr(args, "odoo_args", None) and args.odoo_args[0] == "--":
        args.odoo_args = args.odoo_args[1:]
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
