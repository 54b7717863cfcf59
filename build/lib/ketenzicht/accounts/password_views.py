"""Changing one's own password (ASVS 6.2.2, 6.2.3): the current password first, the same
rules as everywhere, other sessions end (Django's session hash), and it is audited. And
confirming it before changing the second factor (7.5.1)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import request_context

from .models import User
from .reauth import mark_reauthenticated
from .selectors import actor_for_user


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("mfa_setup")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                actor=actor_for_user(self.request.user),  # type: ignore[arg-type]
                action=Action.PASSWORD_CHANGE,
                purpose=Purpose.ACCESS_CONTROL,
                context=request_context(self.request, "web"),
                object_type="user",
                object_id=self.request.user.pk,
            )
        messages.success(self.request, _("Your password is changed. Other sessions have ended."))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _lazy("Give your password.")},
    )


@login_required
def reauthenticate_view(request: HttpRequest) -> HttpResponse:
    """Confirm the password before changing the second factor (ASVS 7.5.1). Wrong answers
    count towards the lockout like a failed log-in (django-axes sees the attempt)."""
    user = cast(User, request.user)
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("mfa_setup")
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if confirmed is not None and confirmed.pk == user.pk:
            mark_reauthenticated(request)
            with transaction.atomic():
                audit_record(
                    actor=actor_for_user(user),
                    action=Action.LOGIN,
                    purpose=Purpose.ACCESS_CONTROL,
                    context=replace(
                        request_context(request, "web"), explanation="password confirmed"
                    ),
                    object_type="user",
                    object_id=user.pk,
                )
            return redirect(back)
        form.add_error("password", _("This is not your password."))
    return render(
        request,
        "accounts/reauthenticate.html",
        {"form": form, "next": back, "sso": not user.has_usable_password()},
        status=400 if form.errors else 200,
    )
