from django.urls import path

from wx.workorders import api

urlpatterns = [
    path("work-orders/", api.WorkOrderList.as_view(), name="work-order-list"),
    path("work-orders/<int:pk>/", api.WorkOrderDetail.as_view(), name="work-order-detail"),
    path("work-orders/<int:pk>/assign/", api.WorkOrderAssign.as_view(), name="work-order-assign"),
    path("work-orders/<int:pk>/accept/", api.WorkOrderAccept.as_view(), name="work-order-accept"),
    path("work-orders/<int:pk>/start/", api.WorkOrderStart.as_view(), name="work-order-start"),
    path("work-orders/<int:pk>/hold/", api.WorkOrderHold.as_view(), name="work-order-hold"),
    path("work-orders/<int:pk>/complete/", api.WorkOrderComplete.as_view(),
         name="work-order-complete"),
    path("work-orders/<int:pk>/reject/", api.WorkOrderReject.as_view(), name="work-order-reject"),
    path("work-orders/<int:pk>/fail/", api.WorkOrderFail.as_view(), name="work-order-fail"),
    path("work-orders/<int:pk>/close/", api.WorkOrderClose.as_view(), name="work-order-close"),
    path("work-orders/<int:pk>/cancel/", api.WorkOrderCancel.as_view(), name="work-order-cancel"),
    path("technicians/", api.TechnicianList.as_view(), name="technician-list"),
    path("technicians/<int:pk>/", api.TechnicianDetail.as_view(), name="technician-detail"),
    path("sops/", api.SopList.as_view(), name="sop-list"),
    path("sops/<int:pk>/", api.SopDetail.as_view(), name="sop-detail"),
    path("kpis/", api.Kpis.as_view(), name="kpis"),
]
