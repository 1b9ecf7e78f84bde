"""Events auth subscribes to (registered with the library's inbox)."""

from __future__ import annotations

from auth.accounts import services
from smart360.events import Envelope, subscriber


@subscriber("onboarding.organization.created")
def make_creator_tenant_admin(envelope: Envelope) -> None:
    assert envelope.tenant_id is not None, "an organization event carries its tenant"
    services.tenant_admin_assign(user_id=envelope.payload["created_by"],
                                 tenant_id=envelope.tenant_id)
