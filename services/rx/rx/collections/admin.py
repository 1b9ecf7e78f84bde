from django.contrib import admin

from rx.collections.models import Receivable


@admin.register(Receivable)
class ReceivableAdmin(admin.ModelAdmin):
    list_display = ["account_number", "bill_ref", "due_on", "amount_outstanding", "risk"]
    list_filter = ["risk"]
    search_fields = ["account_number", "bill_ref"]
