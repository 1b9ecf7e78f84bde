"""KPIs: counts by status, SLA breaches and this month's connections, in a few aggregate queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cx_testkit import feed
from django.utils import timezone

from cx.applications.models import Application
from cx.consumers.models import Account, Consumer
from cx.service_requests.models import CatalogService, Complaint, ServiceRequest
from smart360.contracts.onboarding import OrganizationCreated
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
URL = "/cx/api/v1/kpis/"


def account(consumer: Consumer, number: str, connected_at: datetime, status="CONNECTED") -> Account:
    return Account.objects.create(tenant_id=consumer.tenant_id, number=number, consumer=consumer,
                                  status=status, utility_service=1, category=1, plan=1, area=1,
                                  premise="x", connected_at=connected_at, status_changed_at=connected_at)


def test_kpis_count_by_status_breaches_and_this_months_connections(
        as_admin, django_assert_num_queries):
    feed(OrganizationCreated(organization_id=TENANT, name="Co", currency="USD", timezone="Asia/Tokyo",
                             created_by=TENANT))
    tokyo = ZoneInfo("Asia/Tokyo")
    month_start = timezone.now().astimezone(tokyo).replace(day=1, hour=0, minute=0, second=0,
                                                           microsecond=0)
    a = Consumer.objects.create(tenant_id=TENANT, number="C1", name="A", status="CONNECTED")
    b = Consumer.objects.create(tenant_id=TENANT, number="C2", name="B", status="TEMPORARILY_DISCONNECTED")
    Consumer.objects.create(tenant_id=TENANT, number="C3", name="C")
    Consumer.objects.create(tenant_id=OTHER_TENANT, number="C1", name="Theirs", status="CONNECTED")
    account(a, "ACC-1", month_start + timedelta(minutes=1))
    account(a, "ACC-2", month_start - timedelta(minutes=1))  # last month, in Tokyo
    account(b, "ACC-3", month_start + timedelta(days=1), status="TEMPORARILY_DISCONNECTED")
    Application.objects.create(tenant_id=TENANT, number="APP-1", consumer=a, applicant_name="A",
                               address="x", area=1, utility_service=1, category=1, plan=1)
    item = CatalogService.objects.create(tenant_id=TENANT, code="X", name="X", price="1.00",
                                         response_sla_hours=1, resolution_sla_hours=2)
    now = timezone.now()
    due = {"response_due_at": now, "resolution_due_at": now}
    ServiceRequest.objects.create(tenant_id=TENANT, number="SR-1", consumer=a, service=item, price="1",
                                  priority="LOW", breached_at=now, response_breached_at=now, **due)
    ServiceRequest.objects.create(tenant_id=TENANT, number="SR-2", consumer=a, service=item, price="1",
                                  priority="LOW", status="RESOLVED", breached_at=now, **due)
    Complaint.objects.create(tenant_id=TENANT, number="CMP-1", consumer=b, priority="HIGH",
                             category="BILLING", subject="s", **due)

    with django_assert_num_queries(6):
        body = as_admin.get(URL).json()
    assert body["as_of"] == timezone.now().astimezone(tokyo).date().isoformat()
    assert body["consumers"] == {"CREATED": 1, "APPROVED": 0, "INSTALLED": 0, "CONNECTED": 1,
                                 "TEMPORARILY_DISCONNECTED": 1, "PERMANENTLY_DISCONNECTED": 0,
                                 "ARCHIVED": 0}
    assert body["accounts"] == {"CONNECTED": 2, "TEMPORARILY_DISCONNECTED": 1,
                                "PERMANENTLY_DISCONNECTED": 0, "ARCHIVED": 0}
    assert body["connections_this_month"] == 2
    assert body["applications"]["APPLICATION_REVIEW"] == 1
    assert sum(body["applications"].values()) == 1
    assert body["service_requests"] == {
        "by_status": {"OPEN": 1, "IN_PROGRESS": 0, "RESOLVED": 1, "CLOSED": 0, "CANCELLED": 0},
        "sla_breaches": {"resolution": 2, "response": 1, "open": 1}}
    assert body["complaints"]["by_status"]["OPEN"] == 1
    assert body["complaints"]["sla_breaches"] == {"resolution": 0, "response": 0, "open": 0}


def test_a_new_tenant_sees_zeros(as_other_tenant):
    body = as_other_tenant.get(URL).json()
    assert set(body["consumers"].values()) == {0}
    assert body["connections_this_month"] == 0
