from django.urls import path

from . import views

app_name = "persons"

urlpatterns = [
    path("personen/<uuid:person_id>", views.person_detail_view, name="detail"),
    path("treffers", views.hit_list_view, name="hits"),
    path(
        "treffers/<int:notice_id>/afgehandeld", views.hit_acknowledge_view, name="hit-acknowledge"
    ),
    path("aandacht", views.attention_view, name="attention"),
    path("koppelingen", views.review_list_view, name="reviews"),
    path("koppelingen/<int:review_id>", views.review_detail_view, name="review"),
    path("personen/<uuid:person_id>/ontkoppelen", views.split_view, name="split"),
]
