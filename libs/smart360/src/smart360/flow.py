"""FLOW-API.md driven over HTTP as an integration would: configure a utility, connect a consumer,
read, bill. The demo seeding, the end-to-end suite and the bench all go through this one client.

    flow = Flow(http, token)                 # an httpx.Client on the gateway, a tenant admin
    utility = flow.configure()               # service, areas, category, slab plan, technician
    account = flow.connect(utility, "ana@example.com")
    flow.read(account, "2026-11-30T12:00:00Z", "850")
    flow.bill_period(utility, "2026-11-01", "2026-11-30")

The services meet only by events, so each next step becomes visible a moment later: every
step polls the public API until it is (FlowError names what never came).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

# DOMAIN.md's worked example: 0-300 at 0.08, 301-600 at 0.12, above at 0.16, 15.00 fixed.
WORKED_SLABS = [{"up_to": "300", "rate": "0.08"}, {"up_to": "600", "rate": "0.12"},
                {"up_to": None, "rate": "0.16"}]
FIELD_SKILLS = ["SITE_INSPECTION", "INSTALLATION", "DISCONNECTION", "RECONNECTION"]


class FlowError(AssertionError):
    """A call did not answer as FLOW-API.md says, or a step never became visible."""


def eventually(fn: Callable[[], T | None], what: str, timeout: float = 120) -> T:
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        if time.monotonic() > deadline:
            raise FlowError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.5)


def results(page: Any) -> list[dict[str, Any]]:
    return list(page["results"] if isinstance(page, dict) else page)


@dataclass(frozen=True)
class Utility:
    """One configured utility service of a tenant, with what an application refers to."""

    service: int
    area: int
    category: int
    plan: int
    technician: int


@dataclass(frozen=True)
class Connection:
    application: dict[str, Any]
    account: str
    consumer: int
    serial: str
    email: str


class Flow:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    # -- HTTP ----------------------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, key: str | None = None,
             expect: tuple[int, ...] = (200, 201, 202), **params: Any) -> Any:
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {})}
        response = self.http.request(method, path, json=body, params=params or None,
                                     headers=headers)
        if response.status_code not in expect:
            raise FlowError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any = None, key: str | None = None,
             expect: tuple[int, ...] = (200, 201, 202)) -> Any:
        return self.call("POST", path, body if body is not None else {}, key=key, expect=expect)

    # -- 1. configure --------------------------------------------------------------------------
    def configure(self, code: str = "electricity", name: str = "Electricity",
                  unit: str = "kWh", area_names: tuple[str, str, str] = ("North", "North-1",
                                                                          "Riverside"),
                  slabs: list[dict[str, Any]] | None = None,
                  fixed_charge: str = "15.00") -> Utility:
        ob = "/onboarding/api/v1"
        service = self.post(f"{ob}/utility-services/", {"code": code, "name": name,
                                                        "unit": unit, "metered": True},
                            expect=(201,))["id"]
        parent = None
        for area_name, kind in zip(area_names, ("region", "zone", "area"), strict=True):
            parent = self.post(f"{ob}/areas/", {"name": area_name, "kind": kind,
                                                "parent": parent}, expect=(201,))["id"]
        category = self.post(f"{ob}/categories/", {"name": "Residential",
                                                   "utility_service": service, "parent": None},
                             expect=(201,))["id"]
        plan = self.post(f"{ob}/plans/", {
            "name": f"{name} residential", "utility_service": service, "category": category,
            "tariff": {"kind": "slab", "effective_from": "2026-01-01",
                       "fixed_charge": fixed_charge, "tax_rate": "0",
                       "slabs": slabs or WORKED_SLABS}}, expect=(201,))["id"]
        technician = self.post("/wx/api/v1/technicians/", {
            "name": f"{name} field team", "skills": FIELD_SKILLS, "zone": parent},
            expect=(201,))["id"]
        return Utility(service, int(parent or 0), category, plan, technician)

    # -- 2. connect ----------------------------------------------------------------------------
    def apply(self, utility: Utility, email: str, name: str = "Ana Costa",
              address: str = "12 River Road") -> dict[str, Any]:
        return dict(self.post("/cx/api/v1/applications/", {
            "applicant": {"name": name, "email": email, "phone": "+15550100"},
            "address": address, "area": utility.area, "utility_service": utility.service,
            "category": utility.category, "plan": utility.plan}, expect=(201,)))

    def decide(self, application: dict[str, Any], decision: str,
               expect: tuple[int, ...] = (200,)) -> Any:
        return self.post(f"/cx/api/v1/applications/{application['id']}/decision/",
                         {"decision": decision, "reason": f"{decision}d"}, expect=expect)

    def application(self, application: dict[str, Any]) -> dict[str, Any]:
        return dict(self.get(f"/cx/api/v1/applications/{application['id']}/"))

    def stage(self, application: dict[str, Any], stage: str) -> dict[str, Any]:
        return eventually(lambda: (lambda a: a if a["stage"] == stage else None)(
            self.application(application)), f"{application['number']} at {stage}")

    def work_order(self, source: str, kind: str) -> dict[str, Any]:
        return eventually(lambda: next((w for w in results(self.get(
            "/wx/api/v1/work-orders/", source=source)) if w["kind"] == kind), None),
            f"the {kind} work order of {source}")

    def complete(self, utility: Utility, source: str, kind: str, **report: Any) -> dict[str, Any]:
        """The work order walked through the field (assign → accept → start) and completed."""
        order = self.work_order(source, kind)
        base = f"/wx/api/v1/work-orders/{order['id']}"
        moves = {"CREATED": ("assign", {"technician": utility.technician}),
                 "ASSIGNED": ("accept", {}), "ACCEPTED": ("start", {})}
        while (status := self.get(f"{base}/")["status"]) in moves:
            verb, body = moves[status]
            self.post(f"{base}/{verb}/", body)
        done = self.post(f"{base}/complete/", {"outcome": "pass", "notes": "done", **report})
        if done["status"] != "COMPLETED":
            raise FlowError(f"completed work order answers {done['status']}")
        return dict(done)

    def connect(self, utility: Utility, email: str, name: str = "Ana Costa",
                connected_at: str = "2026-10-31T08:00:00Z", initial_reading: str = "0",
                serial: str | None = None) -> Connection:
        """Application → inspection → approval → installation → an active, numbered account."""
        application = self.apply(utility, email, name)
        self.decide(application, "approve")
        self.complete(utility, application["number"], "SITE_INSPECTION")
        self.stage(application, "APPROVAL")
        self.decide(application, "approve")
        serial = serial or f"MTR-{uuid.uuid4().hex[:8].upper()}"
        self.complete(utility, application["number"], "INSTALLATION", meter_serial=serial,
                      initial_reading=initial_reading, completed_at=connected_at)
        active = eventually(lambda: (lambda a: a if a.get("account_number") else None)(
            self.application(application)), f"the account of {application['number']}")
        return Connection(active, active["account_number"], active["consumer"], serial, email)

    def meter(self, serial: str) -> dict[str, Any]:
        return eventually(lambda: next(iter(results(self.get("/mx/api/v1/meters/",
                                                             serial=serial))), None),
                          f"meter {serial} in mx")

    # -- 3. read, bill -------------------------------------------------------------------------
    def read(self, connection: Connection, read_at: str, value: str) -> dict[str, Any]:
        return dict(self.post("/mx/api/v1/readings/", {
            "meter_serial": connection.serial, "read_at": read_at, "value": value},
            expect=(201,)))

    def bill_period(self, utility: Utility, start: str, end: str,
                    timeout: float = 180) -> dict[str, Any]:
        """A bill run for the period, approved and issued: the issued run."""
        run = self.post("/bx/api/v1/bill-runs/", {
            "utility_service": utility.service, "period_start": start, "period_end": end},
            key=str(uuid.uuid4()))
        path = f"/bx/api/v1/bill-runs/{run['id']}/"

        def reached(*statuses: str) -> Callable[[], dict[str, Any] | None]:
            return lambda: (lambda r: r if r["status"] in statuses else None)(self.get(path))

        drafted = eventually(reached("DRAFT", "FAILED"), "the run to reach DRAFT", timeout)
        if drafted["status"] != "DRAFT":
            raise FlowError(f"bill run {drafted}")
        self.post(f"{path}approve/")
        self.post(f"{path}issue/")
        return eventually(reached("ISSUED", "FAILED"), "the run to be ISSUED", timeout)

    def issued_bill(self, account: str) -> dict[str, Any]:
        return eventually(lambda: next((b for b in results(self.get(
            "/bx/api/v1/bills/", account=account)) if b["status"] == "ISSUED"), None),
            f"an issued bill for {account}")

    # -- 4. pay --------------------------------------------------------------------------------
    def balance(self, account: str) -> Decimal:
        return Decimal(str(self.get(f"/rx/api/v1/accounts/{account}/")["balance"]))
