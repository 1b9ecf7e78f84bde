"""Input fields cx uses in several places (one definition each)."""

from __future__ import annotations

from rest_framework import serializers

from cx.consumers.models import LOCALES

PHONE = r"^\+?[0-9 ()-]{4,32}$"


def person_name(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=200, **kwargs)  # type: ignore[arg-type]


def email(**kwargs: object) -> serializers.EmailField:
    return serializers.EmailField(max_length=254, **kwargs)  # type: ignore[arg-type]


def phone(**kwargs: object) -> serializers.RegexField:
    return serializers.RegexField(PHONE, max_length=32, **kwargs)  # type: ignore[arg-type]


def locale(**kwargs: object) -> serializers.ChoiceField:
    return serializers.ChoiceField(LOCALES, **kwargs)  # type: ignore[arg-type]


def reason(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=500, **kwargs)  # type: ignore[arg-type]


def onboarding_id(what: str, **kwargs: object) -> serializers.IntegerField:
    """A reference to onboarding's configuration by its id."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1,  # type: ignore[arg-type]
                                    help_text=f"onboarding's {what} id", **kwargs)
