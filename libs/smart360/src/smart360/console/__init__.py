"""The operations console: one page where an operator sees the whole local platform.

A small WSGI app of its own (no Django), run by supervisord as the program `console` and
mounted by the gateway at `/ops/` (`/` redirects there). It reads the same truths as the CLI:
`smart360 status` (stack.status.collect), the heartbeats and queues in Redis, the stack's memory
(stack.memory.usage), the deploy files in bifrost/; and it calls every service's operations API
(jobs, run now, dead letters, replay) through the gateway with the operator's own token, so
the services decide who may do what (ops or staff role).

Why not Django: the console has no models, no database and five pages; Django, DRF and the
service settings would cost ~40 MB more in a stack that has a memory budget, and a service of
its own would need a database, migrations and three processes. See docs/observability.md.
"""
