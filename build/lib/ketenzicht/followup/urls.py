from django.urls import path

from . import case_views, configuration_views, victim_views, views

app_name = "followup"

urlpatterns = [
    path("postvak", views.inbox_view, name="inbox"),
    path("doorverwijzingen/termijnen", views.sla_view, name="sla"),
    path("doorverwijzingen/<uuid:referral_id>", views.referral_view, name="referral"),
]

urlpatterns += [
    path(
        "slachtofferspoor/<int:track_id>/<slug:step>",
        victim_views.victim_step_view,
        name="victim-step",
    ),
    path(
        "personen/<uuid:person_id>/vertrokken",
        victim_views.resident_missing_view,
        name="resident-missing",
    ),
]

urlpatterns += [
    path("casussen", case_views.case_list_view, name="cases"),
    path("casussen/nieuw", case_views.case_create_view, name="case-create"),
    path("casussen/<int:case_id>", case_views.case_view, name="case"),
]

urlpatterns += [
    path("beheer/opvolging", configuration_views.configuration_view, name="configuration"),
    path(
        "beheer/opvolging/<slug:kind>/nieuw",
        configuration_views.configuration_edit_view,
        name="configuration-create",
    ),
    path(
        "beheer/opvolging/<slug:kind>/<int:pk>",
        configuration_views.configuration_edit_view,
        name="configuration-edit",
    ),
]
