"""Make sure a PostgreSQL server is reachable and that Odoo may use it.

Order of attempts:
1. the server libpq reaches by default (PGHOST/PGPORT, else the local socket);
2. Debian/Ubuntu ``postgresql`` package: start the existing system cluster
   with ``pg_ctlcluster`` (root only), or create one with ``pg_createcluster``;
3. a private cluster under ``.runner/pg`` created with ``initdb`` (as the
   ``postgres`` OS user when running as root), listening on a Unix socket only.

Then a login role named after the OS user is created when missing (Odoo
refuses to run as the database user ``postgres``).
"""

import getpass
import glob
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from odoo_env import RUNNER_DIR

PRIVATE_PORT = 54329


class PgError(Exception):
    pass


@dataclass
class PgTarget:
    host: str | None = None  # None: libpq default
    port: int | None = None
    private: bool = False

    def odoo_args(self):
        args = []
        if self.host:
            args += ["--db_host", self.host]
        if self.port:
            args += ["--db_port", str(self.port)]
        return args

    def conn_kwargs(self):
        kw = {}
        if self.host:
            kw["host"] = self.host
        if self.port:
            kw["port"] = self.port
        return kw


def log(msg):
    print(f"[suite] {msg}", flush=True)


def _pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    return candidates[-1] if candidates else None


def _version_key(path):
    parts = Path(path).parts
    try:
        return float(parts[parts.index("postgresql") + 1])
    except (ValueError, IndexError):
        return 0.0


def is_ready(target):
    tool = _pg_bin("pg_isready")
    if tool:
        cmd = [tool, "-q"]
        if target.host:
            cmd += ["-h", target.host]
        if target.port:
            cmd += ["-p", str(target.port)]
        return subprocess.run(cmd, check=False).returncode == 0
    try:
        import psycopg2  # noqa: PLC0415

        psycopg2.connect(dbname="postgres", connect_timeout=3, **target.conn_kwargs()).close()
        return True
    except Exception as exc:
        # a missing role still means the server answers
        return "does not exist" in str(exc)


def _wait_ready(target, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if is_ready(target):
            return True
        time.sleep(0.5)
    return False


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _as_postgres(cmd):
    """Run ``cmd`` as the ``postgres`` OS user when we are root."""
    if _is_root():
        runuser = shutil.which("runuser") or shutil.which("su")
        if runuser and runuser.endswith("runuser"):
            return [runuser, "-u", "postgres", "--", *cmd]
        if runuser:
            return [runuser, "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]
    return cmd


def _try_debian_cluster():
    lsclusters = shutil.which("pg_lsclusters")
    if not lsclusters:
        return False
    out = subprocess.run([lsclusters, "--no-header"], capture_output=True, text=True, check=False).stdout
    clusters = [line.split() for line in out.splitlines() if line.strip()]
    if not clusters and _is_root() and shutil.which("pg_createcluster"):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=_version_key)
        if versions:
            version = Path(versions[-1]).parts[-3]
            log(f"creating the PostgreSQL {version} cluster 'main' (pg_createcluster)")
            subprocess.run(["pg_createcluster", version, "main", "--start"], check=False)
            return _wait_ready(PgTarget())
    for version, name, _port, status, *_rest in clusters:
        if status.startswith("online"):
            continue
        if not _is_root():
            log(f"PostgreSQL cluster {version}/{name} is {status}; starting it needs root (pg_ctlcluster)")
            continue
        log(f"starting PostgreSQL cluster {version}/{name} (pg_ctlcluster {version} {name} start)")
        subprocess.run(["pg_ctlcluster", version, name, "start"], check=False)
        if _wait_ready(PgTarget()):
            return True
    return False


def _private_cluster():
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise PgError(
            "PostgreSQL is not reachable and no PostgreSQL server binaries (initdb, pg_ctl) were found.\n"
            "Install PostgreSQL 15 or newer (Debian/Ubuntu: apt-get install postgresql) or start your server."
        )
    base = RUNNER_DIR / "pg"
    data, sock, logfile = base / "data", base / "run", base / "postgresql.log"
    target = PgTarget(host=str(sock), port=PRIVATE_PORT, private=True)
    if is_ready(target):
        return target
    base.mkdir(parents=True, exist_ok=True)
    sock.mkdir(exist_ok=True)
    if _is_root():
        # initdb refuses root: the cluster belongs to the postgres OS user,
        # which must be able to reach the directory.
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        for parent in base.parents:
            if parent == Path("/"):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                raise PgError(
                    f"{parent} is not searchable by the postgres OS user, so the private cluster "
                    f"under {base} cannot be used. Start your PostgreSQL server instead."
                )
    if not (data / "PG_VERSION").is_file():
        log(f"creating a private PostgreSQL cluster in {data}")
        owner = "postgres" if _is_root() else getpass.getuser()
        cmd = [initdb, "-D", str(data), "-U", owner, "-E", "UTF8", "--locale=C.UTF-8", "--auth=trust"]
        subprocess.run(_as_postgres(cmd), check=True, stdout=subprocess.DEVNULL)
    log(f"starting the private PostgreSQL cluster (socket {sock}, port {PRIVATE_PORT})")
    opts = f"-c listen_addresses='' -k {sock} -p {PRIVATE_PORT}"
    subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-l", str(logfile), "-o", opts, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if not _wait_ready(target):
        raise PgError(f"the private PostgreSQL cluster did not start; see {logfile}")
    return target


def ensure_server(mode="auto"):
    """Return a :class:`PgTarget` for a running server (``mode``: auto|system|private)."""
    target = PgTarget(
        host=os.environ.get("PGHOST") or None,
        port=int(os.environ["PGPORT"]) if os.environ.get("PGPORT") else None,
    )
    if mode != "private":
        if is_ready(target):
            return target
        if not target.host and _try_debian_cluster():
            return target
        if mode == "system":
            raise PgError("PostgreSQL is not reachable (pg_isready failed) and could not be started.")
    return _private_cluster()


def ensure_role(target):
    """Make sure the current OS user can log in as a PostgreSQL superuser."""
    import psycopg2  # noqa: PLC0415

    user = os.environ.get("PGUSER") or getpass.getuser()
    if user == "postgres":
        raise PgError(
            "Odoo refuses to use the database user 'postgres'. Run the suite as another OS user, "
            "or set PGUSER to a role that can create databases."
        )
    try:
        psycopg2.connect(dbname="postgres", **target.conn_kwargs()).close()
        return
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise PgError(f"cannot connect to PostgreSQL: {exc}") from exc
    log(f"creating PostgreSQL role '{user}' (superuser, login)")
    psql = _pg_bin("psql")
    sql = f'CREATE ROLE "{user}" SUPERUSER LOGIN'
    cmd = [psql, "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql]
    if target.host:
        cmd += ["-h", target.host]
    if target.port:
        cmd += ["-p", str(target.port)]
    if _is_root():
        cmd = _as_postgres(cmd)
    elif not target.private and shutil.which("sudo"):
        cmd = ["sudo", "-n", "-u", "postgres", *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False) if psql else None
    if proc is None or proc.returncode != 0:
        detail = proc.stderr.strip() if proc else "psql not found"
        raise PgError(
            f"PostgreSQL role '{user}' is missing and could not be created ({detail}).\n"
            f"Create it as the postgres OS user: sudo -u postgres createuser -s {user}"
        )


def connect(target, dbname="postgres"):
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname=dbname, **target.conn_kwargs())
    conn.autocommit = True
    return conn


def database_exists(target, name):
    conn = connect(target)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def drop_database(target, name):
    conn = connect(target)
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


def installed_modules(target, name, modules):
    """Subset of ``modules`` installed in database ``name`` (empty when it is not an Odoo DB)."""
    import psycopg2  # noqa: PLC0415

    try:
        conn = connect(target, name)
    except psycopg2.OperationalError:
        return set()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module')")
            if not cr.fetchone()[0]:
                return set()
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                (list(modules),),
            )
            return {row[0] for row in cr.fetchall()}
    finally:
        conn.close()


class DbLock:
    """Session-level advisory lock so that two runs never share a test database."""

    def __init__(self, target, name):
        self.target, self.name, self.conn = target, name, None

    def acquire(self):
        self.conn = connect(self.target)
        with self.conn.cursor() as cr:
            cr.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"crm-suite-runner:{self.name}",))
            return cr.fetchone()[0]

    def release(self):
        if self.conn:
            self.conn.close()
            self.conn = None
