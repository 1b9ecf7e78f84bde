from django.urls import path

from notification.messaging import api

urlpatterns = [
    path("deliveries/", api.DeliveryList.as_view(), name="delivery-list"),
    path("deliveries/replay/", api.DeliveryReplayDead.as_view(), name="delivery-replay-dead"),
    path("deliveries/<int:pk>/", api.DeliveryDetail.as_view(), name="delivery-detail"),
    path("deliveries/<int:pk>/cancel/", api.DeliveryCancel.as_view(), name="delivery-cancel"),
    path("deliveries/<int:pk>/replay/", api.DeliveryReplay.as_view(), name="delivery-replay"),
    path("activity/", api.ActivityList.as_view(), name="activity-list"),
    path("templates/", api.TemplateList.as_view(), name="template-list"),
    path("templates/preview/", api.TemplatePreview.as_view(), name="template-preview"),
    path("templates/<int:pk>/", api.TemplateDetail.as_view(), name="template-detail"),
    path("contacts/", api.ContactList.as_view(), name="contact-list"),
    path("contacts/<int:pk>/", api.ContactDetail.as_view(), name="contact-detail"),
    path("preferences/", api.PreferenceList.as_view(), name="preference-list"),
    path("messages/", api.MessageList.as_view(), name="message-list"),
    path("messages/<int:pk>/", api.MessageDetail.as_view(), name="message-detail"),
    path("messages/<int:pk>/cancel/", api.MessageCancel.as_view(), name="message-cancel"),
    path("in-app/", api.InAppList.as_view(), name="in-app-list"),
    path("in-app/unread-count/", api.InAppUnreadCount.as_view(), name="in-app-unread-count"),
    path("in-app/read-all/", api.InAppReadAll.as_view(), name="in-app-read-all"),
    path("in-app/<int:pk>/read/", api.InAppRead.as_view(), name="in-app-read"),
    path("providers/<slug:provider>/status/", api.ProviderStatus.as_view(),
         name="provider-status"),
    path("unsubscribe/<str:token>/", api.Unsubscribe.as_view(), name="unsubscribe"),
]
