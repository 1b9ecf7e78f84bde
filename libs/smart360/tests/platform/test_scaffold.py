"""`smart360 new-service`: a registry entry plus a folder that is a working Django project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smart360 import scaffold
from smart360.registry import RegistryError, parse

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture
def repo(tmp_path):
    shutil.copy(REPO / "services.toml", tmp_path / "services.toml")
    return tmp_path


def test_new_service_adds_a_registry_entry_and_a_project(repo):
    written = scaffold.new_service(parse(repo / "services.toml"), "gx", "Gas extras")
    registry = parse(repo / "services.toml")
    gx = registry.service("gx")
    assert gx.local_port == 8200  # the next free block of ten
    assert (gx.database, gx.db_role, gx.queue) == ("smart360_gx", "svc_gx", "gx")
    names = {p.relative_to(repo / "services" / "gx").as_posix() for p in written}
    assert {"manage.py", "pyproject.toml", "gx/settings.py", "gx/urls.py", "gx/schedules.py",
            "gx/records/models.py", "gx/records/services.py", "gx/records/selectors.py",
            "gx/records/api.py", "gx/records/urls.py", "gx/records/handlers.py",
            "gx/records/tasks.py", "gx/records/migrations/0001_initial.py",
            "tests/test_records_api.py", "tests/test_platform_contract.py"} <= names
    assert gx.modules == ("records",)
    assert 'apps=["gx.records"]' in (repo / "services/gx/gx/settings.py").read_text()


def test_the_scaffolded_project_passes_django_checks(repo):
    scaffold.new_service(parse(repo / "services.toml"), "gx", "Gas extras")
    env = {**os.environ, "SMART360_REGISTRY": str(repo / "services.toml"),
           "DJANGO_SETTINGS_MODULE": "gx.settings", "PYTHONPATH": str(repo / "services" / "gx"),
           "DJANGO_SECRET_KEY": "x", "DATABASE_HOST": "127.0.0.1", "DATABASE_PASSWORD": "x",
           "REDIS_URL": "redis://127.0.0.1:1/0"}
    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=repo / "services" / "gx",
                              env=env, capture_output=True, text=True, timeout=120)

    checked = manage("check")
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout
    # The hand-written first migration is what the models say (no drift to start with).
    drift = manage("makemigrations", "--check", "--dry-run")
    assert drift.returncode == 0, drift.stdout + drift.stderr
    # Its API is on the toolkit, schema and all.
    schema = manage("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json")
    assert schema.returncode == 0, schema.stderr
    assert "/gx/api/v1/records/{id}/activate/" in schema.stdout


@pytest.mark.parametrize("name", ["cx", "Bad", "x", "has-dash"])
def test_bad_or_taken_names_are_refused(repo, name):
    with pytest.raises(RegistryError):
        scaffold.new_service(parse(repo / "services.toml"), name, "nope")
    assert not (repo / "services" / name).exists() or name == "cx"


def test_the_nine_services_still_match_the_scaffold():
    """The nine were generated from the template; nobody hand-edited the shared shims away."""
    registry = parse(REPO / "services.toml")
    for svc in registry.services.values():
        urls = (REPO / "services" / svc.name / svc.name / "urls.py").read_text()
        assert f'service_urlpatterns("{svc.name}"' in urls
        manage = (REPO / "services" / svc.name / "manage.py").read_text()
        assert f'manage("{svc.name}.settings")' in manage


@pytest.mark.skipif("DATABASE_PASSWORD" not in os.environ, reason="needs the test stack's database")
def test_the_scaffolded_service_passes_its_own_tests_and_the_platform_contract(repo):
    """A new service starts green: its example app's tests and the whole platform contract."""
    scaffold.new_service(parse(repo / "services.toml"), "gx", "Gas extras", module="meters")
    env = {**os.environ, "SMART360_REGISTRY": str(repo / "services.toml"),
           "DJANGO_SETTINGS_MODULE": "gx.settings", "PYTHONPATH": str(repo / "services" / "gx"),
           "SMART360_SERVICE": "gx", "DATABASE_NAME": "smart360_gx"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "--create-db", "-x"], cwd=repo / "services" / "gx", env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
