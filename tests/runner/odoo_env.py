"""Locate Odoo 18.0 and the suite's modules (standard library only).

The runner never downloads or installs Odoo: it uses the Odoo that the
current Python can import, or the source tree that ``ODOO_PATH`` points at.
"""

import ast
import importlib
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNNER_DIR = REPO / ".runner"
# Odoo addon wheels (odoo-addon-*, e.g. OCA's commission_oca) installed by deps.py
OCA_SITE = RUNNER_DIR / "addons-site"
ODOO_SERIES = "18.0"

LAUNCHER = Path(__file__).resolve().parent / "odoo_launcher.py"  # odoo-bin equivalent

HOW_TO_PROVIDE_ODOO = """\
Provide Odoo {series} Community in one of these ways, then run the command again:
  1. a source checkout installed into this Python:
       git clone --branch {series} --depth 1 https://github.com/odoo/odoo.git /opt/odoo18
       python3 -m pip install -e /opt/odoo18        (also installs Odoo's requirements)
  2. an existing checkout whose requirements this Python already has:
       ODOO_PATH=/path/to/odoo python3 tests/runner/suite.py <command>
  3. the Debian/Ubuntu package 'odoo' {series} (https://nightly.odoo.com/{series}/nightly/deb/),
     then run the command with the system Python: /usr/bin/python3 tests/runner/suite.py <command>
  4. inside an Odoo {series} Docker image (odoo:18), whose python3 already imports odoo.
This runner never downloads or installs Odoo itself."""


class OdooNotFound(Exception):
    """Odoo 18.0 cannot be used from this Python."""


@dataclass
class OdooInstall:
    package_dir: Path  # the ``odoo`` package directory (holds release.py)
    version: str
    sys_path_entry: str | None  # set when found through ODOO_PATH
    addons_dirs: list = field(default_factory=list)

    @property
    def source_root(self):
        return self.package_dir.parent

    def requirements_file(self):
        candidate = self.source_root / "requirements.txt"
        return candidate if candidate.is_file() else None

    def command(self, *args):
        """argv that starts Odoo's command line (``odoo-bin``) with ``args``."""
        return [sys.executable, str(LAUNCHER), *args]

    def environ(self, base=None):
        env = dict(os.environ if base is None else base)
        env["TZ"] = "UTC"
        if self.sys_path_entry:
            env["SUITE_ODOO_SYS_PATH"] = self.sys_path_entry
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [self.sys_path_entry, env.get("PYTHONPATH")]))
        return env


def is_addons_dir(path):
    """Odoo accepts an addons directory only when it holds at least one module."""
    path = Path(path)
    return path.is_dir() and any((child / "__manifest__.py").is_file() for child in path.iterdir() if child.is_dir())


def _odoo_from_path(odoo_path):
    root = Path(odoo_path).expanduser().resolve()
    if (root / "release.py").is_file() and root.name == "odoo":
        root = root.parent
    if not (root / "odoo" / "release.py").is_file():
        raise OdooNotFound(
            f"ODOO_PATH={odoo_path} is not an Odoo source tree (no odoo/release.py in it).\n"
            "Point ODOO_PATH at the directory that holds odoo-bin."
        )
    sys.path.insert(0, str(root))
    return str(root)


def find_odoo():
    """Return an :class:`OdooInstall` or raise :class:`OdooNotFound` with advice."""
    odoo_path = os.environ.get("ODOO_PATH")
    entry = _odoo_from_path(odoo_path) if odoo_path else None
    try:
        release = importlib.import_module("odoo.release")
    except Exception as exc:  # ImportError, or a broken install raising anything
        where = f"ODOO_PATH={odoo_path}" if odoo_path else "ODOO_PATH is not set"
        detail = (
            f"Odoo {ODOO_SERIES} was not found: {sys.executable} "
            f"(Python {sys.version.split()[0]}) cannot import odoo ({type(exc).__name__}: {exc}); {where}."
        )
        missing = getattr(exc, "name", None)
        if isinstance(exc, ImportError) and missing and missing.split(".")[0] != "odoo":
            req = f"{entry}/requirements.txt" if entry else "<odoo checkout>/requirements.txt"
            detail += (
                f"\nOdoo itself is there, but its Python requirement '{missing}' is missing for this Python: "
                f"{sys.executable} -m pip install -r {req}"
            )
        if shutil.which("odoo") and Path("/usr/lib/python3/dist-packages/odoo").is_dir():
            detail += "\nA Debian 'odoo' package is installed: run this command with /usr/bin/python3."
        raise OdooNotFound(detail + "\n" + HOW_TO_PROVIDE_ODOO.format(series=ODOO_SERIES)) from exc
    series = getattr(release, "serie", None) or ".".join(map(str, release.version_info[:2]))
    if series != ODOO_SERIES:
        raise OdooNotFound(
            f"Found Odoo {release.version} at {Path(release.__file__).parent}, but the suite needs "
            f"Odoo {ODOO_SERIES}.\n" + HOW_TO_PROVIDE_ODOO.format(series=ODOO_SERIES)
        )
    package_dir = Path(release.__file__).resolve().parent
    install = OdooInstall(package_dir=package_dir, version=release.version, sys_path_entry=entry)
    # Same default as odoo/tools/config.py: <odoo>/addons and, for a source
    # checkout, <checkout>/addons.
    for candidate in (package_dir / "addons", package_dir.parent / "addons"):
        if is_addons_dir(candidate) and candidate not in install.addons_dirs:
            install.addons_dirs.append(candidate)
    return install


def read_manifest(module_dir):
    try:
        return ast.literal_eval((Path(module_dir) / "__manifest__.py").read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError):
        return None


def suite_addons_dirs(extra=()):
    """Addons directories of the suite: addons/ once it holds modules, the repo root, then extras.

    addons/ comes first: Odoo's translation exporter names a file's module
    after the first addons path that contains it, so with the root first the
    Python messages of addons/crm_sms_gateway would belong to a module called
    "addons" (and escape the i18n tests)."""
    dirs = [REPO]
    if is_addons_dir(REPO / "addons"):
        dirs.insert(0, REPO / "addons")
    for path in extra:
        path = Path(path).expanduser().resolve()
        if not is_addons_dir(path):
            raise SystemExit(f"--extra-addons {path}: not a directory holding Odoo modules")
        if path not in dirs:
            dirs.append(path)
    return dirs


def discover_modules(dirs):
    """Installable modules (name -> path) in the suite's own addons directories."""
    found = {}
    for directory in dirs:
        for child in sorted(Path(directory).iterdir()):
            if child.is_dir() and (child / "__manifest__.py").is_file():
                manifest = read_manifest(child)
                if manifest is not None and not manifest.get("installable", True):
                    continue
                found.setdefault(child.name, child)
    return found


def oca_addons_dirs():
    """Where Odoo addon wheels live: the runner's addons site, and any ``odoo/addons``
    that such wheels created on this Python's path (a non-editable Odoo install)."""
    dirs = []
    for entry in [str(OCA_SITE), *sys.path]:
        candidate = Path(entry or ".") / "odoo" / "addons"
        if is_addons_dir(candidate) and candidate.resolve() not in dirs:
            dirs.append(candidate.resolve())
    return dirs


def addons_path(install, suite_dirs):
    dirs = list(install.addons_dirs)
    for path in oca_addons_dirs():
        if path not in [Path(d).resolve() for d in dirs]:
            dirs.append(path)
    return ",".join(str(p) for p in [*dirs, *suite_dirs])
