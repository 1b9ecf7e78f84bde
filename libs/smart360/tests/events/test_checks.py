"""The registry, contracts, publish calls and handlers agree — and a planted violation fails."""

from __future__ import annotations

from pathlib import Path

import demoapp.contracts  # noqa: F401  (registers the demo contracts)

from smart360.contracts import contracts
from smart360.events.checks import missing_contracts, published_contracts, service_problems
from smart360.registry import find_registry_file, load, parse

REPO = Path(__file__).resolve().parents[4]


def test_every_event_in_the_real_registry_has_a_contract():
    assert missing_contracts(parse(REPO / "services.toml"), contracts()) == []


def test_an_event_without_a_contract_is_reported(tmp_path):
    text = find_registry_file().read_text().replace('"demo.thing.counted"]',
                                                    '"demo.thing.counted", "demo.thing.lost"]', 1)
    (tmp_path / "services.toml").write_text(text)
    assert missing_contracts(parse(tmp_path / "services.toml"), contracts()) == [
        "demo.thing.lost: in services.toml but no contract in smart360.contracts"]


def _package(tmp_path, code: str) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "services.py").write_text(code)
    return tmp_path / "pkg"


def test_publish_calls_are_found_by_contract_class(tmp_path):
    pkg = _package(tmp_path, "publish(ThingHappened(n=1), tenant_id=t)\n"
                             "publish_many((ThingCounted(n=i, amount=1) for i in x), tenant_id=t)\n")
    assert published_contracts(pkg.rglob("*.py")) == {"ThingHappened", "ThingCounted"}


def test_a_published_event_nobody_builds_and_a_subscription_without_handler_are_reported(tmp_path):
    pkg = _package(tmp_path, "publish(ThingHappened(n=1), tenant_id=t)\n")
    demo = load().service("demo")
    problems = service_problems(demo, pkg, contracts(), handled={"demo.thing.happened"})
    assert problems == [
        "demo publishes demo.thing.counted (services.toml) but no publish() call builds ThingCounted",
        "demo subscribes to demo.thing.counted (services.toml) but registers no handler",
    ]
