from django.urls import path

from bx.billing import api

urlpatterns = [
    path("bill-cycles/", api.BillCycleList.as_view(), name="bill-cycle-list"),
    path("bill-runs/", api.BillRunList.as_view(), name="bill-run-list"),
    path("bill-runs/<int:pk>/", api.BillRunDetail.as_view(), name="bill-run-detail"),
    path("bill-runs/<int:pk>/approve/", api.BillRunApprove.as_view(), name="bill-run-approve"),
    path("bill-runs/<int:pk>/issue/", api.BillRunIssue.as_view(), name="bill-run-issue"),
    path("bill-runs/<int:pk>/exceptions/", api.BillExceptionList.as_view(), name="bill-run-exceptions"),
    path("bills/", api.BillList.as_view(), name="bill-list"),
    path("bills/<int:pk>/", api.BillDetail.as_view(), name="bill-detail"),
    path("bills/<int:pk>/approve/", api.BillApprove.as_view(), name="bill-approve"),
    path("bills/<int:pk>/issue/", api.BillIssue.as_view(), name="bill-issue"),
    path("bills/<int:pk>/void/", api.BillVoid.as_view(), name="bill-void"),
    path("bills/<int:pk>/pdf/", api.BillPdf.as_view(), name="bill-pdf"),
]
