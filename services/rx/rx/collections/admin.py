from django.contrib import admin

from rx.collections.models import Account, DunningCase, LedgerEntry, Payment, Receivable


@admin.register(Receivable)
class ReceivableAdmin(admin.ModelAdmin):
    list_display = ["account_number", "bill_ref", "due_on", "amount_outstanding", "risk"]
    list_filter = ["risk"]
    search_fields = ["account_number", "bill_ref"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "balance", "credit", "overdue", "risk"]
    list_filter = ["risk"]
    search_fields = ["number", "name"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["account_number", "kind", "amount", "balance_after", "reference", "at"]
    list_filter = ["kind"]
    search_fields = ["account_number", "reference"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["receipt_number", "account_number", "amount", "method", "received_at"]
    search_fields = ["account_number", "receipt_number", "reference"]


@admin.register(DunningCase)
class DunningCaseAdmin(admin.ModelAdmin):
    list_display = ["account_number", "stage", "opened_on", "closed_on"]
    list_filter = ["stage"]
    search_fields = ["account_number"]
