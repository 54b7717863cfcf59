from django.urls import path

from . import views

app_name = "monitor"

urlpatterns = [
    path("monitor", views.monitor_home_view, name="home"),
    path(
        "monitor/self-assessment",
        views.monitor_self_assessment_view,
        name="self_assessment",
    ),
    path("monitor/<str:scope>", views.monitor_area_view, name="area"),
    path(
        "monitor/<str:scope>/export.<str:fmt>",
        views.monitor_export_view,
        name="export",
    ),
]
