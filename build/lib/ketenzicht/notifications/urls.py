from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("webhooks", views.subscription_list_view, name="subscriptions"),
    path("webhooks/nieuw", views.subscription_edit_view, name="subscription-create"),
    path("webhooks/<uuid:subscription_id>", views.subscription_edit_view, name="subscription"),
    path(
        "webhooks/<uuid:subscription_id>/aangemaakt",
        views.subscription_created_view,
        name="subscription-created",
    ),
    path(
        "webhooks/<uuid:subscription_id>/afleveringen", views.delivery_log_view, name="deliveries"
    ),
]
