from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .mfa import owes_second_factor
from .request_actor import get_actor


def actor(request: HttpRequest) -> dict[str, Any]:
    """The actor and what the sharing policy lets them reach, for the menu."""
    from ketenzicht.sharing import policy

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None, "caps": {}}
    if owes_second_factor(request):
        return {"actor": None, "caps": {}, "mfa_pending": True}
    current = get_actor(request)
    return {
        "actor": current,
        "caps": {
            "signals": policy.may_read_signals(current),
            "register": policy.may_register(current),
            "attention": policy.may_view_attention(current),
            "hits": policy.may_receive_hits(current),
            "sharing_health": policy.may_view_sharing_health(current),
            "monitor": policy.may_view_aggregates(current),
            "audit": policy.may_read_audit(current),
            "privacy": policy.may_answer_subject_access(current),
            "administer": policy.may_administer(current),
            "follow_up": policy.may_follow_up(current),
            "follow_up_figures": policy.may_view_follow_up_figures(current),
            "cases": policy.may_work_on_cases(current),
            "subscriptions": policy.may_manage_subscriptions(current),
        },
    }
