from django.urls import path

from . import views

app_name = "persons"

urlpatterns = [path("<uuid:person_id>", views.person_detail_view, name="detail")]
