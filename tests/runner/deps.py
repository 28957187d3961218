"""Install the suite's Python requirements next to Odoo's, without moving Odoo's pins.

``pip install`` runs only when a requirement is not satisfied yet. Every
package that Odoo's requirements.txt names and that is installed is held at
its installed version through a constraints file, so that our requirements
can never up- or downgrade what Odoo runs on. Old sdists need
``setuptools<70`` in their build environment (pkg_resources), which goes
through PIP_CONSTRAINT together with any constraint files pip is already
configured with.

Odoo addons published as wheels (``odoo-addon-*``, the OCA's packaging) are
installed apart, with ``pip install --target`` into ``.runner/addons-site``, and
that directory's ``odoo/addons`` joins the runner's addons path
(:func:`odoo_env.oca_addons_dirs`). Installing them into site-packages would
create ``site-packages/odoo/`` without ``__init__.py``: where Odoo was installed
with ``pip install -e`` (a PEP 660 editable install, whose finder comes after
the path finder), ``import odoo`` then finds that directory first and returns
an empty namespace package instead of Odoo. They go in with ``--no-deps``:
their only requirements are Odoo itself and other ``odoo-addon-*`` wheels,
which requirements.txt lists.
"""

import os
import re
import subprocess
import sys
from importlib import metadata

from odoo_env import OCA_SITE, REPO, RUNNER_DIR

REQUIREMENTS = [REPO / "requirements.txt"]
LINT_REQUIREMENTS = REPO / "tests" / "runner" / "requirements-lint.txt"


def log(msg):
    print(f"[suite] {msg}", flush=True)


def _packaging():
    try:
        from packaging.requirements import Requirement  # noqa: PLC0415
    except ImportError:
        from pip._vendor.packaging.requirements import Requirement  # noqa: PLC0415
    return Requirement


def _requirement_lines(path):
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            yield line


def is_odoo_addon(line):
    """True for a requirement on an Odoo addon wheel (``odoo-addon-<module>``)."""
    return re.match(r"odoo[-_.]addon[-_.]", line, re.IGNORECASE) is not None


def _installed_version(name, addon):
    if addon:
        # only what the runner installed into its own addons site counts
        for dist in metadata.distributions(path=[str(OCA_SITE)]):
            if dist.metadata["Name"] and _normalise(dist.metadata["Name"]) == _normalise(name):
                return dist.version
        raise metadata.PackageNotFoundError(name)
    return metadata.version(name)


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def unsatisfied(files):
    """Requirements from ``files`` that the current environment does not satisfy."""
    try:
        requirement_cls = _packaging()
    except ImportError:
        return ["<cannot check without 'packaging'>"]
    missing = []
    for path in files:
        for line in _requirement_lines(path):
            req = requirement_cls(line)
            if req.marker and not req.marker.evaluate():
                continue
            try:
                installed = _installed_version(req.name, is_odoo_addon(line))
            except metadata.PackageNotFoundError:
                missing.append(line)
                continue
            if req.specifier and not req.specifier.contains(installed, prereleases=True):
                missing.append(f"{line} (installed: {installed})")
    return missing


def _odoo_constraints(odoo_install):
    """``name==installed`` for every package Odoo's requirements.txt names."""
    lines = []
    req_file = odoo_install.requirements_file() if odoo_install else None
    names = set()
    if req_file:
        for line in _requirement_lines(req_file):
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
            if match:
                names.add(match.group(0))
    names.update({"psycopg2", "xlrd", "openpyxl", "zeep", "lxml", "requests", "urllib3", "Werkzeug"})
    for name in sorted(names, key=str.lower):
        try:
            lines.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return lines


def _configured_constraint_files():
    """Constraint files pip is configured with (PIP_CONSTRAINT replaces them, so keep them)."""
    files = os.environ.get("PIP_CONSTRAINT", "").split()
    out = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    for line in out.splitlines():
        key, _, value = line.partition("=")
        if key.strip().endswith(".constraint"):
            files += value.strip().strip("'\"").split()
    return [f for f in dict.fromkeys(files) if f]


def _install_addons(addons, env):
    """Odoo addon wheels into the runner's own addons site (see the module's docstring)."""
    OCA_SITE.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--upgrade", "--target", str(OCA_SITE), *addons]
    log("installing Odoo addon wheels into " + str(OCA_SITE))
    return subprocess.run(cmd, env=env, check=False, capture_output=True, text=True)


def install(odoo_install, with_lint=True, dry_run=False):
    files = list(REQUIREMENTS) + ([LINT_REQUIREMENTS] if with_lint else [])
    missing = unsatisfied(files)
    if not missing:
        log("Python requirements already satisfied: " + ", ".join(p.name for p in files))
        return True
    log("installing Python requirements: " + "; ".join(missing))
    RUNNER_DIR.mkdir(exist_ok=True)
    constraints = RUNNER_DIR / "constraints-odoo.txt"
    constraints.write_text(
        "# generated by tests/runner/deps.py: keep Odoo's packages where they are\n"
        + "\n".join(_odoo_constraints(odoo_install))
        + "\n",
        encoding="utf-8",
    )
    build = RUNNER_DIR / "constraints-build.txt"
    build.write_text("setuptools<70\n", encoding="utf-8")
    env = dict(os.environ)
    env["PIP_CONSTRAINT"] = " ".join([*_configured_constraint_files(), str(build)])
    addons = [line for path in files for line in _requirement_lines(path) if is_odoo_addon(line)]
    plain = RUNNER_DIR / "requirements-python.txt"
    plain.write_text(
        "".join(line + "\n" for path in files for line in _requirement_lines(path) if not is_odoo_addon(line)),
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "pip", "install", "-c", str(constraints), "-r", str(plain)]
    if dry_run:
        cmd.append("--dry-run")
    proc = subprocess.run(cmd, env=env, check=False, capture_output=True, text=True)
    if proc.returncode == 0 and addons and not dry_run:
        proc = _install_addons(addons, env)
    sys.stdout.write("".join(line + "\n" for line in proc.stdout.splitlines() if "is ignored" not in line))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        if "externally-managed-environment" in proc.stderr:
            log(
                "this Python is managed by the OS (PEP 668). Install the packages with apt "
                "(python3-websocket python3-phonenumbers python3-pypinyin ...), or use a virtualenv "
                "created with --system-site-packages, then run the command again."
            )
        log("pip install failed (exit code %s)" % proc.returncode)
        return False
    return True
