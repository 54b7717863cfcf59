from django.urls import path

from . import mfa_views, password_views

urlpatterns = [
    path("inloggen/tweede-stap", mfa_views.verify_view, name="mfa_verify"),
    path("account/beveiliging", mfa_views.security_view, name="mfa_setup"),
    path(
        "account/beveiliging/authenticator", mfa_views.authenticator_view, name="mfa_authenticator"
    ),
    path("account/beveiliging/back-upcodes", mfa_views.backup_codes_view, name="mfa_backup_codes"),
    path(
        "account/beveiliging/verwijderen/<slug:kind>/<int:pk>",
        mfa_views.remove_view,
        name="mfa_remove",
    ),
    path("account/sessies/beeindigen", mfa_views.sessions_end_view, name="sessions_end"),
    path("account/wachtwoord", password_views.PasswordChange.as_view(), name="password_change"),
    path("account/bevestigen", password_views.reauthenticate_view, name="reauthenticate"),
]
