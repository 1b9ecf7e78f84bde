from django.urls import path

from rx.collections import api

urlpatterns = [
    path("accounts/", api.AccountList.as_view(), name="account-list"),
    path("accounts/<str:number>/", api.AccountDetail.as_view(), name="account-detail"),
    path("accounts/<str:number>/ledger/", api.LedgerList.as_view(), name="account-ledger"),
    path("payments/", api.PaymentList.as_view(), name="payment-list"),
    path("payments/<int:pk>/", api.PaymentDetail.as_view(), name="payment-detail"),
    path("receipts/<str:number>/", api.ReceiptDetail.as_view(), name="receipt-detail"),
    path("refunds/", api.RefundList.as_view(), name="refund-list"),
    path("credit-notes/", api.CreditNoteList.as_view(), name="credit-note-list"),
    path("adjustments/", api.AdjustmentCreate.as_view(), name="adjustment-create"),
    path("aging/", api.AgingView.as_view(), name="aging"),
    path("aging/snapshots/", api.AgingSnapshotList.as_view(), name="aging-snapshots"),
    path("collection-rate/", api.CollectionRateView.as_view(), name="collection-rate"),
    path("dunning/", api.DunningView.as_view(), name="dunning"),
    path("dunning/cases/", api.DunningCaseList.as_view(), name="dunning-cases"),
    path("dunning/policy/", api.DunningPolicyView.as_view(), name="dunning-policy"),
    path("agreements/", api.AgreementList.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", api.AgreementDetail.as_view(), name="agreement-detail"),
]
