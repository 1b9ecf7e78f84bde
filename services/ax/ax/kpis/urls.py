from django.urls import path

from ax.kpis import api

urlpatterns = [
    path("kpis/", api.Kpis.as_view(), name="kpis"),
]
