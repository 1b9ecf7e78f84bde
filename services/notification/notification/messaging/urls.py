from django.urls import path

from notification.messaging import api

urlpatterns = [
    path("deliveries/", api.DeliveryList.as_view(), name="delivery-list"),
    path("deliveries/<int:pk>/", api.DeliveryDetail.as_view(), name="delivery-detail"),
    path("templates/", api.TemplateList.as_view(), name="template-list"),
]
