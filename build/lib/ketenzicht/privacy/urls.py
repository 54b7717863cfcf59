from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("inzageverzoeken", views.requests_view, name="requests"),
    path("inzageverzoeken/<uuid:person_id>", views.export_view, name="export"),
]
