from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from django_tasks import task

from .delivery import attempt
from .models import Message


@task()
def send_emails(message_ids: list[int]) -> int:
    """One e-mail per inbox message to users with an address: a pointer to the inbox, never
    content (mail leaves the secured environment)."""
    sent = 0
    for message in Message.objects.filter(
        pk__in=message_ids, emailed_at__isnull=True
    ).select_related("user"):
        if not message.user.email:
            continue
        link = settings.SITE_URL.rstrip("/") + (message.link or "/postvak")
        send_mail(
            subject=f"[Ketenzicht] {message.title}",
            message=f"{message.title}\n\n{link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[message.user.email],
            fail_silently=False,
        )
        Message.objects.filter(pk=message.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@task()
def deliver_webhooks(delivery_ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for delivery_id in delivery_ids:
        status = attempt(delivery_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
