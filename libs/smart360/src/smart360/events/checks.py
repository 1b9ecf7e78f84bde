"""The registry, the contracts, the publishing calls and the handlers, checked against each other.

Each function returns the problems it found (empty when all agree); `make test` runs them — the
contract checks in the library's suite, the per-service ones in each service's platform contract.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from smart360.contracts import Event
from smart360.registry import Registry, Service

PUBLISHERS = ("publish", "publish_many")


def missing_contracts(registry: Registry, contracts: dict[str, type[Event]]) -> list[str]:
    """Every event the registry names has a contract."""
    return [f"{t}: in services.toml but no contract in smart360.contracts"
            for t in registry.event_types() if t not in contracts]


def unlisted_contracts(registry: Registry, contracts: dict[str, type[Event]]) -> list[str]:
    """Every contract is an event some service publishes (no dead contracts)."""
    listed = set(registry.event_types())
    return [f"{t}: contract {c.__name__} is published by no service in services.toml"
            for t, c in contracts.items() if t not in listed]


def published_contracts(sources: Iterable[Path]) -> set[str]:
    """Names of contract classes built inside a publish()/publish_many() call in these files."""
    found: set[str] = set()
    for source in sources:
        tree = ast.parse(source.read_text(), filename=str(source))
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and _name(call.func) in PUBLISHERS):
                continue
            for node in ast.walk(call):
                if isinstance(node, ast.Call) and node is not call and _name(node.func):
                    found.add(_name(node.func))
    return found


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def service_problems(svc: Service, package_dir: Path, contracts: dict[str, type[Event]],
                     handled: set[str]) -> list[str]:
    """For one service: every event it publishes is published somewhere in its code, every
    subscription has a handler, and nothing is handled that it does not subscribe to."""
    built = published_contracts(p for p in package_dir.rglob("*.py") if "migrations" not in p.parts)
    problems = []
    for event_type in svc.publishes:
        contract = contracts.get(event_type)
        if contract is not None and contract.__name__ not in built:
            problems.append(f"{svc.name} publishes {event_type} (services.toml) but no publish() "
                            f"call builds {contract.__name__}")
    problems += [f"{svc.name} subscribes to {t} (services.toml) but registers no handler"
                 for t in svc.subscribes if t not in handled]
    problems += [f"{svc.name} handles {t} without subscribing to it"
                 for t in sorted(handled - set(svc.subscribes))]
    return problems
