"""Reads of the collections app."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from rx.collections.models import Receivable


def collection_rate(*, tenant_id: uuid.UUID, month: date) -> Decimal | None:
    """Collected / billed for the bills issued in `month` (any day of it), e.g. Decimal("0.8125").

    None when nothing was billed that month: a rate of 0 would read as "nobody paid".
    """
    first = month.replace(day=1)
    after = (first + timedelta(days=31)).replace(day=1)
    # A date range rather than __year/__month, so the (tenant_id, billed_on) index applies.
    totals = Receivable.objects.filter(
        tenant_id=tenant_id, billed_on__gte=first, billed_on__lt=after
    ).aggregate(billed=Sum("amount_billed"), outstanding=Sum("amount_outstanding"))
    billed: Decimal | None = totals["billed"]
    if not billed:
        return None
    collected = billed - totals["outstanding"]
    return (collected / billed).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
