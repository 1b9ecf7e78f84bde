from smart360 import env
from smart360.settings import service_settings

_settings = service_settings("ax", apps=["ax.assets", "ax.covers", "ax.maintenance"])
# Choice sets whose field names (status, kind) recur across components with other choices: named
# here, so the schema's enums are stable names rather than hashes.
_settings["SPECTACULAR_SETTINGS"]["ENUM_NAME_OVERRIDES"] = {
    "AssetStatusEnum": "ax.assets.models.Asset.Status",
    "MaintenancePlanKindEnum": "ax.maintenance.models.MaintenancePlan.Kind",
}
globals().update(_settings)

# Days before a contract or policy ends at which `ax.cover.expiring` goes out: once per window,
# the tightest window that applies (a cover found 5 days before its end gets the 7-day one only).
AX_COVER_REMINDER_DAYS = tuple(sorted(
    (int(d) for d in env.optional("AX_COVER_REMINDER_DAYS", "30,7").split(",")), reverse=True))
