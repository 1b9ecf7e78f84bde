"""State machines: the allowed moves of an entity's status, enforced by one conditional UPDATE.

    APPLICATION = StateMachine("application", {
        "SUBMITTED": ("APPROVED", "REJECTED"),
        "APPROVED": ("INSTALLED",),
    })
    APPLICATION.move(Application.objects.filter(tenant_id=t, pk=pk), "APPROVED")

`move` changes the row only if its current state allows the target, in one statement, so two
concurrent requests cannot both pass a check-then-write; the loser gets a 409 that names the
current state and the moves it allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from smart360.errors import Conflict, NotFound


class StateMachine:
    def __init__(self, name: str, moves: Mapping[str, tuple[str, ...]]) -> None:
        self.name = name
        self.moves = {state: tuple(targets) for state, targets in moves.items()}
        unknown = {t for ts in self.moves.values() for t in ts} - set(self.moves)
        for state in unknown:  # terminal states need no entry of their own
            self.moves[state] = ()

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.moves)

    def allowed(self, current: str) -> tuple[str, ...]:
        return self.moves.get(current, ())

    def sources(self, target: str) -> list[str]:
        """The states from which `target` may be reached."""
        return [state for state, targets in self.moves.items() if target in targets]

    def refuse(self, current: str, target: str, *, label: str = "") -> Conflict:
        allowed = self.allowed(current)
        what = label or f"This {self.name}"
        moves = ", ".join(allowed) if allowed else "none (it is final)"
        return Conflict(
            f"{what} is {current}; it cannot move to {target}. Allowed from {current}: {moves}.",
            code="illegal_transition",
            extra={"current": current, "requested": target, "allowed": list(allowed)},
        )

    def check(self, current: str, target: str, *, label: str = "") -> None:
        if target not in self.allowed(current):
            raise self.refuse(current, target, label=label)

    def move(self, row: QuerySet[Any], target: str, *, field: str = "status", label: str = "",
             **changes: Any) -> None:
        """Set `field` to `target` (and `changes`) on the one row of `row` if its state allows.

        NotFound when the queryset matches nothing; Conflict naming the allowed moves when the
        row is in a state that does not lead to `target`.
        """
        updated = row.filter(**{f"{field}__in": self.sources(target)}).update(
            **{field: target}, **changes)
        if updated:
            return
        current = row.values_list(field, flat=True).first()
        if current is None:
            raise NotFound(f"No such {self.name}.")
        raise self.refuse(current, target, label=label)
