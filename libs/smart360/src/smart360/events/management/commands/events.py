"""`manage.py events dead [--json]` and `manage.py events replay ID`: this service's dead letters.

`smart360 events dead` / `smart360 events replay ID` run these in every service of the stack.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smart360.events.inbox import replay_dead
from smart360.events.models import InboxEvent


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        dead = sub.add_parser("dead", help="list the dead letters, newest first")
        dead.add_argument("--json", action="store_true")
        replay = sub.add_parser("replay", help="handle a dead letter again (atomic)")
        replay.add_argument("event_id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "dead":
            dead = InboxEvent.objects.filter(status=InboxEvent.Status.DEAD).order_by("-received_at")
            rows: list[dict[str, Any]] = [
                {"id": str(r.id), "type": r.type, "received_at": r.received_at.isoformat(),
                 "replays": r.replays, "error": r.error} for r in dead[:500]]
            if options["json"]:
                self.stdout.write(json.dumps(rows))
            for row in rows if not options["json"] else []:
                self.stdout.write(f"{row['id']}  {row['type']}  {row['received_at']}  "
                                  f"{row['error'][:100]}")
            return
        try:
            replay_dead(options["event_id"])
        except InboxEvent.DoesNotExist as exc:
            raise CommandError(f"no dead letter {options['event_id']} here") from exc
        except Exception as exc:
            raise CommandError(f"the handler failed again: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(f"{options['event_id']} handled")
