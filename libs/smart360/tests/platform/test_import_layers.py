"""The library's import layers hold, and an upward import (a cycle in the making) is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from smart360.devtools.lint import layers_contract

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "smart360"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tmp_path: Path, source_root: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "importlinter.ini"
    config.write_text("[importlinter]\nroot_packages =\n    smart360\n"
                      "include_external_packages = False\n\n" + layers_contract())
    return subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
                          cwd=tmp_path, env={"PYTHONPATH": str(source_root), "PATH": "/usr/bin"},
                          capture_output=True, text=True, check=False)


def test_a_planted_upward_import_breaks_the_layers(tmp_path):
    copy = tmp_path / "src" / "smart360"
    shutil.copytree(LIBRARY, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert _lint(tmp_path, tmp_path / "src").returncode == 0
    registry = copy / "registry.py"
    registry.write_text(registry.read_text() + "\nfrom smart360.stack import control  # noqa\n")
    broken = _lint(tmp_path, tmp_path / "src")
    assert broken.returncode != 0
    assert "smart360.registry -> smart360.stack" in broken.stdout.replace("\n", " ")
