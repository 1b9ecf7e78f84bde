from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "bx.billing"
    label = "billing"
