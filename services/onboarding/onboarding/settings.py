from smart360.settings import service_settings

globals().update(service_settings("onboarding", apps=[
    "onboarding.organizations",
    "onboarding.catalog",
    "onboarding.areas",
    "onboarding.tariffs",
    "onboarding.calendar",
    "onboarding.numbering",
]))

# Several inputs have a `kind`: each its own enum in the OpenAPI schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {  # type: ignore[name-defined]  # noqa: F821
    "AreaKindEnum": "onboarding.areas.models.Area.Kind",
    "TariffKindEnum": "onboarding.tariffs.validation.TARIFF_KINDS",
    "ChargeKindEnum": "onboarding.tariffs.validation.CHARGE_KINDS",
}
