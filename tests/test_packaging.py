"""A non-editable `pip install .` into a fresh venv finds rules/ inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

from conftest import REPO


def test_wheel_install_ships_the_rules(tmp_path):
    env_dir = tmp_path / "venv"
    # System site-packages give the venv pycparser without a network; hvlint itself is
    # installed into the venv from this checkout (pip builds it in an isolated environment).
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    py = env_dir / "bin" / "python"
    build = subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--quiet", str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(py), "-c", "import hvlint, hvlint.ruledata as r; print(hvlint.__file__); print(r.rules_dir())"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60,
    )
    module_file, rules_dir = where.stdout.split()
    assert module_file.startswith(str(env_dir)) and rules_dir.startswith(str(env_dir)), where.stdout
    run = subprocess.run(
        [str(env_dir / "bin" / "hvlint"), "--format", "json", str(REPO / "examples" / "pre-rename")],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    assert run.returncode == 1 and '"HV_REGISTER_MSR"' in run.stdout, run.stderr
    assert sys.version_info >= (3, 9)
