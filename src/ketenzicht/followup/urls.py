from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("postvak", views.inbox_view, name="inbox"),
    path("doorverwijzingen/termijnen", views.sla_view, name="sla"),
    path("doorverwijzingen/<uuid:referral_id>", views.referral_view, name="referral"),
]
