from django.urls import path

from . import views

app_name = "signals"

urlpatterns = [
    path("", views.signal_list_view, name="list"),
    path("nieuw", views.signal_create_view, name="create"),
    path("import", views.import_view, name="import"),
    path("import/<uuid:job_id>", views.import_job_view, name="import-job"),
    path("<uuid:signal_id>", views.signal_detail_view, name="detail"),
    path("<uuid:signal_id>/bewerken", views.signal_edit_view, name="edit"),
    path("<uuid:signal_id>/delen", views.signal_share_view, name="share"),
]
