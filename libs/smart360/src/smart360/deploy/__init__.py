"""Deployment as code: task definitions, env files and compose generated from the registry,
and the commands that ship them to ECS (deploy, diff, rollback, scale, smoke).

Import nothing heavy here: container health checks run `python -m smart360.deploy.healthcheck`.
"""
