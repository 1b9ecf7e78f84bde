from smart360.settings import service_settings

globals().update(service_settings("onboarding", apps=[
    "onboarding.tariffs",
    "onboarding.organizations",
]))
