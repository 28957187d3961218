"""Shared helpers of the suite's benchmarks: start Odoo from a plain script.

Usage from a benchmark::

    from common import bench_parser, open_env, measure

    parser = bench_parser("what this benchmark measures")
    args = parser.parse_args()
    with open_env(args) as env:
        with measure(env.cr, "recompute") as m:
            ...
        print(m)

``odoo`` is imported from the Python path, else from ``$ODOO_PATH`` (default
``/opt/odoo18``). The addons path is ``$SUITE_ADDONS_PATH`` when set (by
``python3 tests/runner/suite.py bench <name>``), else Odoo's own addons + the
repository root (+ ``addons/`` of the repository when it holds modules). A database given with
``-d`` that does not exist is created with ``crm_core_ext`` installed, without
demo data, and a generic chart of accounts for the main company.

These scripts are not part of the test suite; they never run under
``--test-enable``.
"""

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODULES = "crm_core_ext"

_logger = logging.getLogger("benchmarks")
_CONFIGURED = []


def import_odoo():
    """Return the ``odoo`` package, from sys.path or ``$ODOO_PATH``."""
    try:
        import odoo  # noqa: PLC0415
    except ImportError:
        odoo_path = os.environ.get("ODOO_PATH", "/opt/odoo18")
        if not (Path(odoo_path) / "odoo" / "__init__.py").exists():
            sys.exit(f"Cannot import odoo: set ODOO_PATH to an Odoo 18.0 source tree (tried {odoo_path}).")
        sys.path.insert(0, odoo_path)
        import odoo  # noqa: PLC0415
    return odoo


def addons_path(odoo):
    """Odoo's addons + the repository root (+ repo addons/ if it holds modules);
    ``$SUITE_ADDONS_PATH`` (set by ``tests/runner/suite.py bench``) wins."""
    if os.environ.get("SUITE_ADDONS_PATH"):
        return os.environ["SUITE_ADDONS_PATH"]
    odoo_root = Path(odoo.__file__).resolve().parent.parent
    paths = [odoo_root / "odoo" / "addons", odoo_root / "addons", REPO_ROOT]
    repo_addons = REPO_ROOT / "addons"
    if repo_addons.is_dir() and any((p / "__manifest__.py").exists() for p in repo_addons.iterdir()):
        paths.append(repo_addons)
    return ",".join(str(p) for p in paths if p.is_dir())


def bench_parser(description):
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", required=True, help="database (created when missing)")
    parser.add_argument("-c", "--config", default=str(REPO_ROOT / "odoo.conf"), help="Odoo configuration file")
    parser.add_argument("--db-host", help="PostgreSQL host (default: the configuration's)")
    parser.add_argument("--db-port", help="PostgreSQL port")
    parser.add_argument("--db-user", help="PostgreSQL user")
    parser.add_argument(
        "--modules",
        default=DEFAULT_MODULES,
        help="comma-separated modules installed when the database is created (default: %(default)s)",
    )
    parser.add_argument("--log-level", default="warn", help="Odoo log level (default: %(default)s)")
    return parser


def _odoo_args(args, extra=()):
    odoo_args = [
        "--addons-path",
        addons_path(import_odoo()),
        "-d",
        args.database,
        "--log-level",
        args.log_level,
        "--without-demo",
        "all",
        "--no-http",
        *extra,
    ]
    if args.config and Path(args.config).exists():
        odoo_args = ["-c", args.config, *odoo_args]
    for opt in ("db_host", "db_port", "db_user"):
        if getattr(args, opt, None):
            odoo_args += [f"--{opt.replace('_', '-')}", getattr(args, opt)]
    return odoo_args


def _database_exists(odoo, name):
    conn = odoo.sql_db.db_connect("postgres")
    with contextlib.closing(conn.cursor()) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def _ensure_chart_of_accounts(env):
    company = env.ref("base.main_company")
    if not company.chart_template:
        _logger.warning("Loading the generic chart of accounts for %s", company.name)
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)


def get_registry(args):
    """Configure Odoo from ``args`` and return the registry of the database,
    creating the database (modules installed, no demo) when it is missing."""
    odoo = import_odoo()
    from odoo.tools import config  # noqa: PLC0415

    if not _CONFIGURED:  # Odoo's configuration can be parsed once per process
        config.parse_config(_odoo_args(args))
        odoo.netsvc.init_logger()
        _CONFIGURED.append(args.database)
    if not _database_exists(odoo, args.database):
        print(f"# creating database {args.database} with {args.modules} (no demo data); this takes minutes", flush=True)
        odoo.service.db._create_empty_database(args.database)
        config["init"] = dict.fromkeys(args.modules.split(","), 1)
        config["demo"] = {}
        registry = odoo.modules.registry.Registry.new(args.database, update_module=True)
        config["init"] = {}
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            _ensure_chart_of_accounts(env)
        return registry
    return odoo.modules.registry.Registry(args.database)


@contextlib.contextmanager
def open_env(args, commit=True, context=None):
    """Yield a superuser environment on the database; commit at the end
    (unless ``commit`` is False), roll back on error."""
    odoo = import_odoo()
    registry = get_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}))
        _ensure_chart_of_accounts(env)
        yield env
        if commit:
            cr.commit()
        else:
            cr.rollback()


class Measure:
    """Result of :func:`measure`: wall time in seconds and SQL queries."""

    def __init__(self, label):
        self.label = label
        self.seconds = 0.0
        self.queries = 0

    def __str__(self):
        return f"{self.label}: {self.seconds:.2f} s, {self.queries} queries"


@contextlib.contextmanager
def measure(cr, label=""):
    """Time a block and count the SQL queries it runs on ``cr`` (an Odoo cursor
    counts its queries in ``sql_log_count``)."""
    result = Measure(label)
    cr.flush()
    queries0 = cr.sql_log_count
    start = time.perf_counter()
    try:
        yield result
    finally:
        cr.flush()
        result.seconds = time.perf_counter() - start
        result.queries = cr.sql_log_count - queries0


def ensure_dataset(args, param, wanted, build):
    """Return the benchmark dataset recorded in the system parameter ``param``
    when it was built with the parameters ``wanted`` (and ``--regenerate`` is
    not given); else build it with ``build(env)`` (which returns what
    ``generate_dataset.generate`` returns), record it and return it."""
    with open_env(args) as env:
        recorded = env["ir.config_parameter"].get_param(param)
        if recorded and not getattr(args, "regenerate", False):
            info = json.loads(recorded)
            if all(info.get(k) == v for k, v in wanted.items()):
                print(f"# reusing dataset {info['prefix']} (generated {info.get('date')})", flush=True)
                return info
        start = time.perf_counter()
        result = build(env)
        info = dict(
            wanted,
            prefix=result["prefix"],
            partner_ids=result["partner_ids"],
            company_id=result["company_id"],
            date=time.strftime("%Y-%m-%d %H:%M"),
            seconds=round(time.perf_counter() - start, 1),
        )
        env["ir.config_parameter"].set_param(param, json.dumps(info))
        print(f"# dataset {info['prefix']} generated in {info['seconds']} s", flush=True)
        return info


def alternate_arms(orders_off, orders_on, confirm, warm=3):
    """Confirm pairs of orders with a feature off then on, alternating so that
    both arms share the machine's state; ``confirm(order, on)`` returns a
    ``measure`` result. The first ``warm`` pairs warm Odoo's caches and are not
    counted.

    :return: dict with ``time_off``, ``time_on``, ``queries_off``,
        ``queries_on``, ``counted`` (pairs measured), ``warm`` and ``total``
        (wall time of the measured pairs)
    """
    for off, on in zip(orders_off[:warm], orders_on[:warm], strict=True):
        confirm(off, False)
        confirm(on, True)
    totals = dict.fromkeys(("time_off", "time_on", "queries_off", "queries_on"), 0)
    start = time.perf_counter()
    for off, on in zip(orders_off[warm:], orders_on[warm:], strict=True):
        for arm, order, on_arm in (("off", off, False), ("on", on, True)):
            result = confirm(order, on_arm)
            totals[f"time_{arm}"] += result.seconds
            totals[f"queries_{arm}"] += result.queries
    totals.update(total=time.perf_counter() - start, counted=len(orders_off) - warm, warm=warm)
    return totals
