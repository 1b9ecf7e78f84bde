"""Events survive a broker outage and a killed worker, and a redelivery changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import httpx
import pytest
from flow import admin_with_tenant, create_consumer, mails_to

from smart360.mail import inbox
from smart360.stack.system import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def http(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=20) as client:
        yield client


def _deliveries(http, admin) -> list[dict]:
    return http.get("/notification/api/v1/deliveries/?page_size=500",
                    headers=admin.headers).json()["results"]


def test_event_published_while_redis_is_down_is_delivered_after_it_returns(stack, http):
    admin = admin_with_tenant(stack, http)
    for _ in range(6):  # every cx web instance has the JWKS in memory before Redis goes
        assert http.get("/cx/api/v1/consumers/", headers=admin.headers).status_code == 200
    address = f"outage-{uuid.uuid4().hex[:8]}@e2e.test"
    stack.stop_redis()
    try:
        response = http.post("/cx/api/v1/consumers/", headers=admin.headers,
                             json={"name": "During Outage", "email": address})
        assert response.status_code == 201, response.text  # the outbox row committed
        time.sleep(3)
        assert not mails_to(stack, address)
    finally:
        stack.start_redis()
    # The on-commit nudge was lost with Redis; the relay's beat sweep (every minute) sends it.
    mail = inbox.wait_for(to=address, subject_contains="consumer number", maildir=stack.mail_dir,
                          timeout=180)
    assert "During Outage" in mail.subject


def test_worker_killed_mid_delivery_loses_nothing(stack, http):
    admin = admin_with_tenant(stack, http)
    stack.supervisor.stop("notification-worker")
    addresses = [f"kill-{n}-{uuid.uuid4().hex[:6]}@e2e.test" for n in range(30)]
    for address in addresses:
        create_consumer(http, admin, address)
    time.sleep(2)  # relayed: the batches wait in the notification queue
    stack.supervisor.start("notification-worker")
    time.sleep(1.0)
    main = stack.supervisor.pid("notification-worker")
    children = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True)
    for pid in children.stdout.split():
        os.kill(int(pid), signal.SIGKILL)  # the pool child dies mid-batch

    wait_until(lambda: all(mails_to(stack, a) for a in addresses), 180,
               "every welcome mail after the worker was killed")
    rows = [d for d in _deliveries(http, admin) if d["recipient"] in addresses]
    assert sorted(d["recipient"] for d in rows) == sorted(addresses)  # one row per event


def test_an_event_relayed_twice_is_handled_once(stack, http):
    admin = admin_with_tenant(stack, http)
    address = f"twice-{uuid.uuid4().hex[:8]}@e2e.test"
    consumer = create_consumer(http, admin, address)
    inbox.wait_for(to=address, subject_contains="consumer number", maildir=stack.mail_dir, timeout=90)
    [delivery] = [d for d in _deliveries(http, admin) if d["recipient"] == address]

    envelope = {"id": delivery["event_id"], "type": "cx.consumer.created", "version": 1,
                "tenant": admin.tenant, "occurred_at": "2024-01-01T00:00:00+00:00",
                "request_id": "e2e-replay", "source": "cx",
                "payload": {"consumer_id": consumer["id"], "number": consumer["number"],
                            "name": "Rita", "email": address, "locale": "en"}}
    app = stack.celery("cx")
    for _ in range(2):
        app.send_task("smart360.events.deliver", args=[[envelope]], queue="notification")
    time.sleep(5)
    assert len(mails_to(stack, address)) == 1
    assert len([d for d in _deliveries(http, admin) if d["recipient"] == address]) == 1
