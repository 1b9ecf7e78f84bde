from django.urls import path

from cx.consumers import api

urlpatterns = [
    path("consumers/", api.ConsumerList.as_view(), name="consumer-list"),
    path("consumers/<int:pk>/", api.ConsumerDetail.as_view(), name="consumer-detail"),
]
