from smart360.settings import service_settings

globals().update(service_settings("ax", apps=["ax.assets"]))
