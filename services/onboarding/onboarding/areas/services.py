"""Writes of the area hierarchy: one at a time, or a whole CSV at once (all or nothing)."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.db import transaction

from onboarding.areas.models import KINDS, Area, parent_kind
from onboarding.common import order_conflict, unique_or_conflict
from smart360.contracts.onboarding import AreaCreated
from smart360.errors import ValidationFailed
from smart360.events.outbox import publish, publish_many

IMPORT_COLUMNS = ("name", "kind", "parent_path")
MAX_IMPORT_LINES = 20_000


def _fields(area: Area) -> dict[str, Any]:
    return {"area_id": area.pk, "name": area.name, "kind": area.kind,
            "parent_id": area.parent_id, "path": area.path}


def _check_level(kind: str, parent: Area | None) -> str | None:
    """Why an area of `kind` cannot hang under `parent` (None: it can)."""
    above = parent_kind(kind)
    if above is None:
        return "A region is at the top: it has no parent." if parent is not None else None
    if parent is None:
        return f"A {kind} needs a parent {above}."
    if parent.kind != above:
        return f"A {kind} hangs under a {above}, not a {parent.kind}."
    return None


def area_create(*, tenant_id: uuid.UUID, name: str, kind: str, parent: int | None = None) -> Area:
    parent_row = None
    if parent is not None:
        parent_row = Area.objects.filter(tenant_id=tenant_id, pk=parent).first()
        if parent_row is None:
            raise order_conflict(f"Area {parent} does not exist: create the parent area first.")
    problem = _check_level(kind, parent_row)
    if problem:
        raise ValidationFailed(problem, errors={"parent": problem})
    path = f"{parent_row.path}/{name}" if parent_row else name
    with transaction.atomic():
        with unique_or_conflict(f"Area {path!r} already exists."):
            area = Area.objects.create(tenant_id=tenant_id, name=name, kind=kind,
                                       parent=parent_row, path=path)
        publish(AreaCreated(**_fields(area)), tenant_id=tenant_id)
    return area


def areas_import(*, tenant_id: uuid.UUID, text: str) -> list[Area]:
    """Areas from CSV lines `name,kind,parent_path` (a header line is optional). A parent is an
    existing area's path or a line above. Every line is checked first: any error and nothing is
    written (400 with each line's error); else one bulk insert per level and the events."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ValidationFailed(f"The CSV cannot be read: {exc}.", errors={"csv": str(exc)}) from exc
    if rows and [c.strip().lower() for c in rows[0]] == list(IMPORT_COLUMNS):
        first = 2
        rows = rows[1:]
    else:
        first = 1
    if len(rows) > MAX_IMPORT_LINES:
        raise ValidationFailed(f"At most {MAX_IMPORT_LINES} lines per import.",
                               errors={"csv": "too many lines"})
    existing = dict(Area.objects.filter(tenant_id=tenant_id).values_list("path", "kind"))
    errors: dict[str, str] = {}
    planned: dict[str, tuple[str, str, str]] = {}  # path -> (name, kind, parent_path)
    for number, cells in enumerate(rows, start=first):
        if not any(c.strip() for c in cells):
            continue
        error = None
        if len(cells) not in (2, 3):
            error = "expected name,kind,parent_path"
        else:
            name, kind = cells[0].strip(), cells[1].strip()
            parent_path = cells[2].strip() if len(cells) == 3 else ""
            path = f"{parent_path}/{name}" if parent_path else name
            above_kind = existing.get(parent_path) or (planned.get(parent_path, ("", "", ""))[1])
            if not name or len(name) > 100 or any(c == "/" or not c.isprintable() for c in name):
                error = "a name is 1-100 printable characters without '/'"
            elif kind not in KINDS:
                error = f"kind is one of {', '.join(KINDS)}"
            elif parent_path and not above_kind:
                error = f"no area {parent_path!r} (existing, or on a line above)"
            elif kind == "region" and parent_path:
                error = "a region has no parent"
            elif kind != "region" and not parent_path:
                error = f"a {kind} needs a parent {parent_kind(kind)}"
            elif parent_path and above_kind != parent_kind(kind):
                error = f"a {kind} hangs under a {parent_kind(kind)}, not a {above_kind}"
            elif path in existing or path in planned:
                error = f"area {path!r} already exists"
            elif len(path) > 500 or not parent_path.isprintable():
                error = "the path is longer than 500 characters"
            else:
                planned[path] = (name, kind, parent_path)
        if error:
            errors[f"line {number}"] = error
    if errors:
        raise ValidationFailed(f"{len(errors)} line(s) of the CSV are wrong; nothing was imported.",
                               errors=errors, code="import_rejected")
    if not planned:
        raise ValidationFailed("The CSV has no areas.", errors={"csv": "no lines"})
    created: list[Area] = []
    with transaction.atomic():
        ids = dict(Area.objects.filter(tenant_id=tenant_id, path__in={
            p for (_, _, p) in planned.values() if p}).values_list("path", "pk"))
        for kind in KINDS:  # parents before children: one INSERT per level
            level = [Area(tenant_id=tenant_id, name=name, kind=k, path=path,
                          parent_id=ids.get(parent_path) if parent_path else None)
                     for path, (name, k, parent_path) in planned.items() if k == kind]
            if not level:
                continue
            with unique_or_conflict("Another import created some of these areas meanwhile."):
                Area.objects.bulk_create(level)
            ids.update((a.path, a.pk) for a in level)
            created.extend(level)
        publish_many([AreaCreated(**_fields(a)) for a in created], tenant_id=tenant_id)
    return created
