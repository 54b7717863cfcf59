"""Changing one's own password (ASVS 6.2.2, 6.2.3): the current password first, the same
rules as everywhere, other sessions end (Django's session hash), and it is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import request_context

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
