from demoapp import api
from django.urls import path

from smart360.api.urls import handler400, handler404, handler500, service_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = service_urlpatterns("demo", api=[
    path("widgets/", api.WidgetList.as_view()),
    path("widgets/<int:pk>/", api.WidgetDetail.as_view()),
    path("widgets/<int:pk>/activate/", api.WidgetActivate.as_view()),
])
