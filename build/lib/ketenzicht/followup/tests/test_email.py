"""E-mail: one message per inbox message to users with an address, after commit, pointing
to the product and never carrying the content (mail leaves the secured environment)."""

from __future__ import annotations

from django.core import mail

import pytest

from ketenzicht.accounts.models import User
from ketenzicht.followup.services import signal_route
from ketenzicht.signals.factories import register

from .conftest import Chain

pytestmark = pytest.mark.django_db

NARRATIVE = "Vrouw vertelt over klanten in een woning aan de Hoofdstraat."


def test_a_referral_is_mailed_as_a_link_without_its_content(
    chain: Chain, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.SITE_URL = "https://ketenzicht.example"  # type: ignore[attr-defined]
    User.objects.filter(pk=chain.avim_investigator.user_id).update(email="avim.in@example.com")
    signal = register(
        chain.coa_frontline, kind="hard", exploitation_type_codes=("sexual",), narrative=NARRATIVE
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        referral = signal_route(signal_id=signal.pk)
    assert referral is not None
    (message,) = [m for m in mail.outbox if m.to == ["avim.in@example.com"]] or [None]
    assert message is not None, [m.to for m in mail.outbox]
    assert referral.reference in message.subject
    assert f"https://ketenzicht.example/doorverwijzingen/{referral.pk}" in message.body
    assert NARRATIVE not in message.body and "Senait" not in message.body
    # Mailed once: running the task again for the same messages sends nothing.
    from ketenzicht.notifications.models import Message
    from ketenzicht.notifications.tasks import send_emails

    ids = list(Message.objects.values_list("pk", flat=True))
    assert send_emails.call(ids) == 0
