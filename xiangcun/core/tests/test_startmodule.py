"""`manage.py startmodule` makes a module that passes the house's checks as generated.

The command writes into the project (settings, urls, the catalog), so it runs on a copy of the project in a
temporary folder, and the copy's tests run in a separate process: ruff over the new module, the module's own
tests, the scope walk over its routes and the catalog check. Slow (about a minute), so it runs in the SQLite leg
only (marker ``scaffold``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.scaffold


def copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "media")
    for name in ("manage.py", "pyproject.toml", "conftest.py"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "scripts", target / "scripts", ignore=ignore)
    shutil.copytree(ROOT / "xiangcun", target / "xiangcun", ignore=ignore)
    return target


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # SQLite in the copy
    env["PYTHONPATH"] = str(cwd)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_a_generated_module_passes_the_checks_and_joins_the_menu(tmp_path):
    project = copy_project(tmp_path)
    made = run(["manage.py", "startmodule", "sample_things", "--title", "Sample things", "--title-zh", "样例",
                "--record-zh", "样例记录"], project)
    assert made.returncode == 0, made.stdout + made.stderr
    module = project / "xiangcun" / "sample_things"
    for name in ("models.py", "services.py", "selectors.py", "filtersets.py", "forms.py", "views.py", "api.py",
                 "urls.py", "navigation.py", "figures.py", "layers.py", "demo.py", "tests/factories.py",
                 "errors.py", "tests/test_sample_things.py", "templates/sample_things/list.html",
                 "migrations/0001_initial.py"):
        assert (module / name).exists(), name
    assert '"xiangcun.sample_things",' in (project / "xiangcun" / "settings.py").read_text()
    assert 'include("xiangcun.sample_things.urls")' in (project / "xiangcun" / "urls.py").read_text()

    lint = run(["-m", "ruff", "check", "xiangcun/sample_things"], project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    again = run(["manage.py", "makemigrations", "--check", "--dry-run"], project)
    assert again.returncode == 0, again.stdout + again.stderr
    tests = run(["-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider", "xiangcun/sample_things",
                 "xiangcun/core/tests/test_scope_walk.py", "xiangcun/core/tests/test_i18n.py",
                 "-k", "sample or catalog or every_route"], project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    summary = tests.stdout.strip().splitlines()[-1]
    passed = int(summary.split(" passed")[0].split()[-1])
    assert "failed" not in summary and passed >= 30, summary  # its own tests, the walk over its routes, the catalog


def test_a_bad_name_is_refused_and_nothing_is_written(tmp_path):
    project = copy_project(tmp_path)
    settings_before = (project / "xiangcun" / "settings.py").read_text()
    made = run(["manage.py", "startmodule", "Bad-Name"], project)
    assert made.returncode != 0 and "lowercase" in made.stderr
    assert (project / "xiangcun" / "settings.py").read_text() == settings_before
    assert not (project / "xiangcun" / "Bad-Name").exists()
