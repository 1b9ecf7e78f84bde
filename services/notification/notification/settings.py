from smart360.settings import service_settings

globals().update(service_settings("notification", apps=["notification.messaging"]))
