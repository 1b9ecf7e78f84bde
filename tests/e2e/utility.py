"""A utility driven through FLOW-API.md as an integration would: configure, connect, read, bill.

Every call goes through the gateway with a tenant admin's token; waits poll the public API (the
services meet only by events, so the next step becomes visible a moment later).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from flow import Admin

T = TypeVar("T")

# DOMAIN.md's worked example: 0-300 at 0.08, 301-600 at 0.12, above at 0.16, 15.00 fixed.
WORKED_SLABS = [{"up_to": "300", "rate": "0.08"}, {"up_to": "600", "rate": "0.12"},
                {"up_to": None, "rate": "0.16"}]


def eventually(fn: Callable[[], T | None], what: str, timeout: float = 120) -> T:
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f}s waiting for {what}"
        time.sleep(0.5)


def ok(response: httpx.Response, *expected: int) -> Any:
    assert response.status_code in (expected or (200, 201, 202)), (
        response.request.method, str(response.request.url), response.status_code, response.text)
    return response.json() if response.content else None


def results(page: Any) -> list[dict]:
    return list(page["results"] if isinstance(page, dict) else page)


@dataclass
class Utility:
    """One configured utility of a tenant: service, area, category, slab plan, a technician."""

    http: httpx.Client
    admin: Admin
    service: int
    area: int
    category: int
    plan: int
    technician: int

    def get(self, path: str, **params: Any) -> Any:
        return ok(self.http.get(path, params=params, headers=self.admin.headers))

    def post(self, path: str, body: Any = None, key: str | None = None,
             expect: tuple[int, ...] = (200, 201, 202)) -> Any:
        headers = {**self.admin.headers, **({"Idempotency-Key": key} if key else {})}
        return ok(self.http.post(path, json=body if body is not None else {}, headers=headers),
                  *expect)


def configure(http: httpx.Client, admin: Admin) -> Utility:
    ob = "/onboarding/api/v1"

    def post(path: str, body: dict) -> int:
        return int(ok(http.post(f"{ob}/{path}/", json=body, headers=admin.headers), 201)["id"])

    service = post("utility-services", {"code": "electricity", "name": "Electricity",
                                        "unit": "kWh", "metered": True})
    region = post("areas", {"name": "North", "kind": "region", "parent": None})
    zone = post("areas", {"name": "North-1", "kind": "zone", "parent": region})
    area = post("areas", {"name": "Riverside", "kind": "area", "parent": zone})
    category = post("categories", {"name": "Residential", "utility_service": service,
                                   "parent": None})
    plan = post("plans", {"name": "Residential", "utility_service": service,
                          "category": category,
                          "tariff": {"kind": "slab", "effective_from": "2026-01-01",
                                     "fixed_charge": "15.00", "tax_rate": "0",
                                     "slabs": WORKED_SLABS}})
    technician = int(ok(http.post("/wx/api/v1/technicians/", headers=admin.headers, json={
        "name": "Tomas Field", "skills": ["SITE_INSPECTION", "INSTALLATION", "DISCONNECTION",
                                          "RECONNECTION"],
        "zone": area, "email": f"tech-{uuid.uuid4().hex[:6]}@e2e.test"}), 201)["id"])
    return Utility(http, admin, service, area, category, plan, technician)


def apply(utility: Utility, email: str, name: str = "Ana Costa") -> dict:
    return dict(utility.post("/cx/api/v1/applications/", {
        "applicant": {"name": name, "email": email, "phone": "+15550100"},
        "address": "12 River Road", "area": utility.area, "utility_service": utility.service,
        "category": utility.category, "plan": utility.plan}, expect=(201,)))


def decide(utility: Utility, application: dict, decision: str, expect: int = 200) -> Any:
    return utility.post(f"/cx/api/v1/applications/{application['id']}/decision/",
                        {"decision": decision, "reason": f"e2e {decision}"}, expect=(expect,))


def work_order(utility: Utility, source: str, kind: str) -> dict:
    return eventually(lambda: next((w for w in results(utility.get(
        "/wx/api/v1/work-orders/", source=source)) if w["kind"] == kind), None),
        f"the {kind} work order of {source}")


def complete(utility: Utility, source: str, kind: str, **report: Any) -> dict:
    """Walk the work order through the field (assign → accept → start) and complete it."""
    order = work_order(utility, source, kind)
    base = f"/wx/api/v1/work-orders/{order['id']}"
    moves = {"CREATED": ("assign", {"technician": utility.technician}),
             "ASSIGNED": ("accept", {}), "ACCEPTED": ("start", {})}
    while (status := utility.get(f"{base}/")["status"]) in moves:
        verb, body = moves[status]
        utility.post(f"{base}/{verb}/", body)
    done = utility.post(f"{base}/complete/", {"outcome": "pass", "notes": "e2e", **report})
    assert done["status"] == "COMPLETED", done
    return dict(done)


def stage_is(utility: Utility, application: dict, stage: str) -> dict:
    return eventually(lambda: (lambda a: a if a["stage"] == stage else None)(
        utility.get(f"/cx/api/v1/applications/{application['id']}/")), f"stage {stage}")


def connect(utility: Utility, email: str, connected_at: str = "2026-10-31T08:00:00Z",
            name: str = "Ana Costa") -> dict:
    """Application → inspection → approval → installation → an active account; its details."""
    application = apply(utility, email, name)
    assert application["stage"] == "APPLICATION_REVIEW", application
    decide(utility, application, "approve")
    complete(utility, application["number"], "SITE_INSPECTION")
    stage_is(utility, application, "APPROVAL")
    decide(utility, application, "approve")
    serial = f"E2E-{uuid.uuid4().hex[:8].upper()}"
    complete(utility, application["number"], "INSTALLATION", meter_serial=serial,
             initial_reading="0", completed_at=connected_at)
    active = eventually(lambda: (lambda a: a if a.get("account_number") else None)(
        utility.get(f"/cx/api/v1/applications/{application['id']}/")), "the account number")
    return {"application": active, "account": active["account_number"], "serial": serial,
            "consumer": active["consumer"], "email": email}


def bill_period(utility: Utility, start: str, end: str) -> dict:
    """A bill run for the period, approved and issued; the issued run."""
    run = utility.post("/bx/api/v1/bill-runs/", {
        "utility_service": utility.service, "period_start": start, "period_end": end},
        key=str(uuid.uuid4()))
    path = f"/bx/api/v1/bill-runs/{run['id']}/"
    drafted = eventually(lambda: (lambda r: r if r["status"] in ("DRAFT", "FAILED") else None)(
        utility.get(path)), "the run to reach DRAFT", 180)
    assert drafted["status"] == "DRAFT", drafted
    utility.post(f"{path}approve/")
    utility.post(f"{path}issue/")
    return dict(eventually(lambda: (lambda r: r if r["status"] == "ISSUED" else None)(
        utility.get(path)), "the run to be ISSUED", 180))


def issued_bill(utility: Utility, account: str) -> dict:
    return eventually(lambda: next((b for b in results(utility.get(
        "/bx/api/v1/bills/", account=account)) if b["status"] == "ISSUED"), None),
        f"an issued bill for {account}")


def balance(utility: Utility, account: str) -> Decimal:
    return Decimal(str(utility.get(f"/rx/api/v1/accounts/{account}/")["balance"]))
