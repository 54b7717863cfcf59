from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketenzicht.conf.navigation import home_item

from .request_actor import get_actor


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    item = home_item(get_actor(request))
    if item is not None:
        return redirect(item.url)
    return render(request, "accounts/no_access.html")


def locked_out_view(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """What django-axes shows a locked-out username: 429, in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"lockout_minutes": minutes}, status=429)


class LoginView(auth_views.LoginView):
    """Password log-in, with single sign-on beside it when an identity provider is set."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso"] = settings.OIDC_ENABLED
        context["sso_label"] = settings.OIDC_LABEL
        context["sso_failed"] = self.request.GET.get("sso") == "mislukt"
        return context
