from django.urls import path

from drf_spectacular.views import SpectacularAPIView

from . import docs, monitor, views

app_name = "api"

urlpatterns = [
    path("signals", views.SignalCollection.as_view(), name="signals"),
    path("signals/<uuid:signal_id>", views.SignalItem.as_view(), name="signal"),
    path("hits", views.HitCollection.as_view(), name="hits"),
    path("hits/<int:hit_id>", views.HitItem.as_view(), name="hit"),
    path("attention", views.AttentionCollection.as_view(), name="attention"),
    path("persons", views.PersonCollection.as_view(), name="persons"),
    path("persons/<uuid:person_id>", views.PersonItem.as_view(), name="person"),
    path("referrals", views.ReferralCollection.as_view(), name="referrals"),
    path("referrals/<uuid:referral_id>", views.ReferralItem.as_view(), name="referral"),
    path(
        "referrals/<uuid:referral_id>/transitions",
        views.ReferralTransitions.as_view(),
        name="referral-transitions",
    ),
    path("subscriptions", views.SubscriptionCollection.as_view(), name="subscriptions"),
    path(
        "subscriptions/<uuid:subscription_id>",
        views.SubscriptionItem.as_view(),
        name="subscription",
    ),
    path("token-records", views.TokenRecordCollection.as_view(), name="token-records"),
    path("token-records/<str:reference>", views.TokenRecordItem.as_view(), name="token-record"),
    path("monitor/<str:area>", monitor.MonitorArea.as_view(), name="monitor"),
    path(
        "openapi.json",
        SpectacularAPIView.as_view(
            authentication_classes=[],
            permission_classes=[],
            serve_public=True,
        ),
        {"format": "json"},
        name="schema",
    ),
    path("docs", docs.api_docs_view, name="docs"),
]
