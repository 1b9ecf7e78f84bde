"""The projections every service keeps: tenant profile and ID formats, from onboarding.

Registered only where the registry lists the subscription, so a service opts in by adding
`onboarding.organization.created` (etc.) to its `subscribes`.
"""

from __future__ import annotations

from smart360.conf import service_name
from smart360.contracts.onboarding import IdFormatChanged, OrganizationCreated, OrganizationUpdated
from smart360.domain.models import IdFormat
from smart360.domain.tenants import tenant_profile_upsert
from smart360.events.inbox import Received, subscriber
from smart360.registry import load


def project_organization(received: Received[OrganizationCreated] | Received[OrganizationUpdated]
                         ) -> None:
    org = received.event
    tenant_profile_upsert(tenant_id=org.organization_id, name=org.name, timezone_name=org.timezone,
                          currency=org.currency, date_format=org.date_format)


def project_id_format(received: Received[IdFormatChanged]) -> None:
    fmt = received.event
    assert received.tenant_id is not None, "an ID format belongs to a tenant"
    IdFormat.objects.update_or_create(
        tenant_id=received.tenant_id, entity=fmt.entity,
        defaults={"prefix": fmt.prefix, "date_part": fmt.date_part, "padding": fmt.padding})


_subscribed = set(load().service(service_name()).subscribes)
for _contract, _handler in ((OrganizationCreated, project_organization),
                            (OrganizationUpdated, project_organization),
                            (IdFormatChanged, project_id_format)):
    if _contract.type in _subscribed:
        subscriber(_contract)(_handler)
