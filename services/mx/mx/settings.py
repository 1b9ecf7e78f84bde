from smart360.settings import service_settings

globals().update(service_settings("mx", apps=["mx.meters", "mx.readings"]))

# A reading's status appears in two outputs (a list row, the detail): one enum for both.
SPECTACULAR_SETTINGS = {**globals()["SPECTACULAR_SETTINGS"],
                        "ENUM_NAME_OVERRIDES": {"ReadingStatusEnum": "mx.readings.models.Reading.Status"}}
