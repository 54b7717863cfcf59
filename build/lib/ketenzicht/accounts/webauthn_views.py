"""django-otp-webauthn's ceremonies, with the audit trail and a new session id added."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.i18n import JavaScriptCatalog

from django_otp_webauthn import views as ceremony
from django_otp_webauthn.models import WebAuthnCredential

from . import mfa_services
from .models import User
from .reauth import recent_login_required


def _device(response: HttpResponse) -> WebAuthnCredential | None:
    if response.status_code != 200 or not isinstance(response, JsonResponse):
        return None
    pk = json.loads(response.content).get("id")
    return WebAuthnCredential.objects.filter(pk=pk).first()


class CompleteRegistration(ceremony.CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        device = _device(response)
        if device is not None:
            mfa_services.record_key_added(self.request, cast(User, self.request.user), device)
        return response


class CompleteAuthentication(ceremony.CompleteCredentialAuthenticationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        device = _device(response)
        if device is not None:
            mfa_services.record_key_login(self.request, cast(User, self.request.user), device)
        return response

    def handle_exception(self, exc: Exception) -> HttpResponse:
        user = self.request.user
        if user.is_authenticated:
            mfa_services.record_key_failure(self.request, cast(User, user))
        return super().handle_exception(exc)


# Only as a second factor: a visitor who has not given the password is sent to log in.
app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        login_required(recent_login_required(ceremony.BeginCredentialRegistrationView.as_view())),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        login_required(CompleteRegistration.as_view()),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        login_required(ceremony.BeginCredentialAuthenticationView.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        login_required(CompleteAuthentication.as_view()),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
