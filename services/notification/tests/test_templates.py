"""Templates per (event, channel, locale) with tenant overrides; validation; preview."""

from __future__ import annotations

import pytest
from tests.conftest import OTHER, consumer, send

from notification.messaging import defaults, templating
from notification.messaging.models import Template
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db
URL = "/notification/api/v1/templates/"


@pytest.mark.parametrize("row", defaults.TEMPLATES, ids=lambda r: f"{r['event_type']}/{r['channel']}")
def test_every_default_template_is_valid(row):
    templating.validate(row["event_type"], subject=row["subject"], body=row["body"])


def test_every_handled_event_has_a_default_email_template():
    shipped = {(r["event_type"], r["channel"]) for r in defaults.TEMPLATES}
    for event_type in templating.event_types():
        if event_type != templating.CUSTOM:
            assert (event_type, "email") in shipped, event_type


def test_an_unknown_variable_is_refused_when_saving(admin):
    answer = admin.post(URL, {"event_type": "bx.bill.issued", "channel": "email", "locale": "en",
                              "subject": "Bill {{ number }}", "body": "Pay {{ totl }} now"},
                        format="json")
    assert answer.status_code == 400
    problem = answer.json()
    assert "totl" in problem["detail"]
    assert "body" in str(problem["errors"])
    assert not Template.objects.filter(tenant_id=TENANT).exists()


@pytest.mark.parametrize("body", ["{% if %}", "{{ name|nosuchfilter }}", "{% load static %}",
                                  "{% include 'x.txt' %}", "{% for x in %}"])
def test_broken_or_unsafe_templates_are_refused(admin, body):
    answer = admin.post(URL, {"event_type": "cx.consumer.created", "channel": "sms",
                              "locale": "en", "body": body}, format="json")
    assert answer.status_code == 400, answer.content


def test_loops_and_conditions_may_use_their_own_names():
    templating.validate("rx.payment.received",
                        body="{% for a in allocations %}{{ a.bill_number }} {{ forloop.counter }}"
                             "{% endfor %}{% if amount > 10 and name %}big{% endif %}")


def test_a_tenant_override_is_used_and_can_be_changed(admin, mailoutbox):
    answer = admin.post(URL, {"event_type": "cx.consumer.created", "channel": "email",
                              "locale": "en", "subject": "Hi {{ name }} from {{ tenant_name }}",
                              "body": "Number {{ number }}"}, format="json")
    assert answer.status_code == 201, answer.content
    template_id = answer.json()["id"]
    assert admin.post(URL, {"event_type": "cx.consumer.created", "channel": "email",
                            "locale": "en", "body": "x"}, format="json").status_code == 409
    send(consumer(1, name="Rita"))
    send(consumer(2, name="Other"), tenant=OTHER)  # the platform default there
    assert sorted(m.subject for m in mailoutbox) == ["Hi Rita from",
                                                     "Your consumer number, Other"]
    bad = admin.patch(f"{URL}{template_id}/", {"body": "{{ nope }}"}, format="json")
    assert bad.status_code == 400
    good = admin.patch(f"{URL}{template_id}/", {"body": "Yours: {{ number }}"}, format="json")
    assert good.status_code == 200
    assert good.json()["body"] == "Yours: {{ number }}"
    listed = admin.get(URL, {"event_type": "cx.consumer.created", "channel": "email"}).json()
    assert {t["tenant_id"] is None for t in listed["results"]} == {True, False}
    assert admin.delete(f"{URL}{template_id}/").status_code == 204


def test_platform_defaults_and_other_tenants_templates_cannot_be_changed(admin):
    default = Template.objects.filter(tenant_id__isnull=True).first()
    theirs = Template.objects.create(tenant_id=OTHER, event_type="bx.bill.issued",
                                     channel="email", locale="en", body="x")
    assert admin.get(f"{URL}{default.pk}/").status_code == 200
    assert admin.patch(f"{URL}{default.pk}/", {"body": "x"}, format="json").status_code == 404
    assert admin.delete(f"{URL}{default.pk}/").status_code == 404
    assert admin.get(f"{URL}{theirs.pk}/").status_code == 404
    assert admin.patch(f"{URL}{theirs.pk}/", {"body": "x"}, format="json").status_code == 404


def test_preview_renders_sample_data(admin):
    answer = admin.post(URL + "preview/", {
        "event_type": "bx.bill.issued", "subject": "Bill {{ number }}",
        "body": "{{ name }} owes {{ total }} {{ currency }} by {{ due_date }}: {{ pdf_url }}",
        "data": {"name": "Ana"}}, format="json")
    assert answer.status_code == 200, answer.content
    preview = answer.json()
    assert preview["subject"] == "Bill DOC-202611-000001"
    assert preview["body"].startswith("Ana owes 123.45 USD by 2026-11-30")
    assert preview["variables"] == ["currency", "due_date", "name", "number", "pdf_url", "total"]
    bad = admin.post(URL + "preview/", {"event_type": "bx.bill.issued", "body": "{{ x }}"},
                     format="json")
    assert bad.status_code == 400
