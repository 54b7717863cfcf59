"""Pages for an organisation's webhook subscriptions and their delivery log."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors
from ketenzicht.sharing.guards import denied

from .forms import SubscriptionForm
from .selectors import delivery_log, subscription_get, subscription_list
from .services import (
    SubscriptionInput,
    subscription_create,
    subscription_delete,
    subscription_update,
)

# Where the new subscription's signing secret waits for the page after the redirect.
SIGNING_SLOT = "new_subscription_signing"  # a session key name, not a secret


@login_required
def subscription_list_view(request: HttpRequest) -> HttpResponse:
    rows = subscription_list(actor=get_actor(request), context=request_context(request, "web"))
    if rows is None:
        raise Http404
    return render(request, "notifications/subscriptions.html", {"rows": rows})


def _input(form: SubscriptionForm) -> SubscriptionInput:
    data = form.cleaned_data
    return SubscriptionInput(
        callback_url=data["callback_url"].strip(),
        channels=tuple(data["channels"]),
        filters=data["filters"],
        active=data["active"],
    )


@login_required
def subscription_edit_view(
    request: HttpRequest, subscription_id: uuid.UUID | None = None
) -> HttpResponse:
    """Create (no id) or change a subscription; the secret is shown once, on creation."""
    actor = get_actor(request)
    context = request_context(request, "web")
    subscription = None
    if subscription_id is not None:
        subscription = subscription_get(
            actor=actor, context=context, subscription_id=subscription_id
        )
        if subscription is None:
            raise Http404
    elif not policy.may_manage_subscriptions(actor):
        raise denied(request, "subscriptions")
    initial = (
        {
            "callback_url": subscription.callback_url,
            "channels": subscription.channels,
            "filters": "\n".join(f"{k}={v}" for k, v in subscription.filters.items()),
            "active": subscription.active,
        }
        if subscription
        else {"active": True}
    )
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "delete" and subscription:
        subscription_delete(actor=actor, context=context, subscription_id=subscription.pk)
        messages.success(request, _("The subscription has been deleted."))
        return redirect("notifications:subscriptions")
    if request.method == "POST" and form.is_valid():
        try:
            if subscription is None:
                created, secret = subscription_create(
                    actor=actor, context=context, data=_input(form)
                )
                # Shown once, on the page after the redirect: a reload creates nothing.
                request.session[SIGNING_SLOT] = {"id": str(created.pk), "secret": secret}
                return redirect("notifications:subscription-created", subscription_id=created.pk)
            if (
                subscription_update(
                    actor=actor,
                    context=context,
                    subscription_id=subscription.pk,
                    data=_input(form),
                )
                is None
            ):
                raise Http404
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The subscription has been saved."))
            return redirect("notifications:subscriptions")
    return render(
        request,
        "notifications/subscription_form.html",
        {"form": form, "subscription": subscription},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def subscription_created_view(request: HttpRequest, subscription_id: uuid.UUID) -> HttpResponse:
    """The new subscription's signing secret, once; afterwards only a note that it was shown."""
    actor = get_actor(request)
    subscription = subscription_get(
        actor=actor, context=request_context(request, "web"), subscription_id=subscription_id
    )
    if subscription is None:
        raise Http404
    pending = request.session.pop(SIGNING_SLOT, None)
    secret = pending["secret"] if pending and pending["id"] == str(subscription.pk) else None
    return render(
        request,
        "notifications/subscription_secret.html",
        {"subscription": subscription, "secret": secret},
    )


@login_required
def delivery_log_view(request: HttpRequest, subscription_id: uuid.UUID) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    status = request.GET.get("status", "")
    log = delivery_log(actor=actor, context=context, subscription_id=subscription_id, status=status)
    if log is None:
        raise Http404
    subscription, deliveries = log
    return render(
        request,
        "notifications/deliveries.html",
        {"subscription": subscription, "deliveries": deliveries, "status": status},
    )
