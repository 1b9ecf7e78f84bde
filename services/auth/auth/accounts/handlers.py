"""Events auth subscribes to."""

from __future__ import annotations

from auth.accounts import services
from smart360.contracts.onboarding import OrganizationCreated
from smart360.events.inbox import Received, subscriber


@subscriber(OrganizationCreated)
def make_creator_tenant_admin(received: Received[OrganizationCreated]) -> None:
    org = received.event
    services.tenant_admin_assign(user_id=str(org.created_by), tenant_id=org.organization_id)
