from smart360.settings import service_settings

globals().update(service_settings("bx", apps=["bx.projections", "bx.billing"]))
