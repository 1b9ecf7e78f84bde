"""Input fields cx uses in several places (one definition each)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cx.consumers.models import LOCALES

# Starts with + or a digit or "(", ends with a digit: no edge spaces for trimming to change.
PHONE = r"^\+?[0-9(][0-9 ()-]{2,30}[0-9]$"


def person_name(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=200, **kwargs)


def email(**kwargs: Any) -> serializers.EmailField:
    return serializers.EmailField(max_length=254, **kwargs)


def phone(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(PHONE, max_length=32, **kwargs)


def locale(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(LOCALES, **kwargs)


def reason(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=500, **kwargs)


def onboarding_id(what: str, **kwargs: Any) -> serializers.IntegerField:
    """A reference to onboarding's configuration by its id."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                    help_text=f"onboarding's {what} id", **kwargs)
