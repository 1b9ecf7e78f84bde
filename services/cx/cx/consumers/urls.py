from django.urls import path

from cx.consumers import api

urlpatterns = [
    path("consumers/", api.ConsumerList.as_view(), name="consumer-list"),
    path("consumers/<int:pk>/", api.ConsumerDetail.as_view(), name="consumer-detail"),
    path("consumers/<int:pk>/archive/", api.ConsumerArchive.as_view(), name="consumer-archive"),
    path("accounts/", api.AccountList.as_view(), name="account-list"),
    path("accounts/<str:number>/", api.AccountDetail.as_view(), name="account-detail"),
    path("accounts/<str:number>/disconnection/", api.AccountDisconnection.as_view(),
         name="account-disconnection"),
    path("accounts/<str:number>/reconnection/", api.AccountReconnection.as_view(),
         name="account-reconnection"),
    path("accounts/<str:number>/transfer/", api.AccountTransfer.as_view(), name="account-transfer"),
    path("connection-requests/", api.ConnectionRequestList.as_view(), name="connection-request-list"),
    path("connection-requests/<int:pk>/", api.ConnectionRequestDetail.as_view(),
         name="connection-request-detail"),
]
