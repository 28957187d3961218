"""Static checks: ruff (settings in ruff.toml) and pylint-odoo's mandatory checks
for 18.0 (.pylintrc-mandatory, as in OCA's oca-addons-repo-template)."""

import subprocess
import sys
from dataclasses import dataclass

from odoo_env import REPO


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str = ""


def _run(name, cmd):
    print(f"[suite] static check: {name}: {' '.join(cmd)}", flush=True)
    try:
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        return CheckResult(name, False, f"cannot run {cmd[0]}: {exc}")
    output = (proc.stdout + proc.stderr).strip()
    if "No module named" in output and proc.returncode != 0:
        return CheckResult(name, False, output + "\n(install tests/runner/requirements-lint.txt)")
    if output:
        print(output, flush=True)
    return CheckResult(name, proc.returncode == 0, output if proc.returncode else "")


def run_static(module_paths, fmt=False):
    """Run the checks on the repository and on ``module_paths``; return CheckResults."""
    results = []
    extra = [str(p) for p in module_paths if REPO not in p.parents]
    ruff = [sys.executable, "-m", "ruff"]
    results.append(
        _run(
            "ruff check",
            [
                *ruff,
                "check",
                "--no-fix",
                "--output-format",
                "concise",
                "--config",
                str(REPO / "ruff.toml"),
                ".",
                *extra,
            ],
        )
    )
    if fmt:
        results.append(
            _run("ruff format", [*ruff, "format", "--check", "--config", str(REPO / "ruff.toml"), ".", *extra])
        )
    if module_paths:
        results.append(
            _run(
                "pylint-odoo (mandatory)",
                [
                    sys.executable,
                    "-m",
                    "pylint",
                    "--rcfile",
                    str(REPO / ".pylintrc-mandatory"),
                    "--output-format",
                    "text",
                    *[str(p) for p in module_paths],
                ],
            )
        )
    return results
