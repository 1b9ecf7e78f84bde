# The behaviour every service shares (probes, problem+json, OpenAPI, admin), run in this service.
from smart360.testing.contract import *  # noqa: F403
