from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("gezondheid", views.health_view, name="health"),
    path("groepen", views.group_list_view, name="groups"),
    path("groepen/nieuw", views.group_edit_view, name="group-create"),
    path("groepen/<int:group_id>", views.group_edit_view, name="group"),
    path("organisaties", views.organisation_list_view, name="organisations"),
    path("organisaties/<int:organisation_id>", views.organisation_edit_view, name="organisation"),
]
