"""Meta-test: every route is classified, and no non-public route answers without a login."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory
from ketenzicht.accounts.models import User
from ketenzicht.sharing.routes import API_OPERATIONS, ROUTES, Exposure

pytestmark = pytest.mark.django_db


def _routes(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        else:
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


ALL = list(_routes(get_resolver().url_patterns))


def _concrete(path: str) -> str:
    for converter in (
        "<uuid:signal_id>",
        "<uuid:person_id>",
        "<uuid:job_id>",
        "<uuid:referral_id>",
        "<uuid:subscription_id>",
    ):
        path = path.replace(converter, str(uuid.uuid4()))
    for converter in (
        "<int:notice_id>",
        "<int:review_id>",
        "<int:hit_id>",
        "<int:group_id>",
        "<int:organisation_id>",
        "<int:track_id>",
        "<int:case_id>",
        "<int:pk>",
    ):
        path = path.replace(converter, "987654")
    path = path.replace("<slug:step>", "bedenktijd").replace("<slug:kind>", "routering")
    path = (
        path.replace("<str:reference>", "unknown-ref-1")
        .replace("<str:scope>", "GM9999")
        .replace("<str:area>", "GM9999")
        .replace("<str:fmt>", "csv")
    )
    return "/" + path


def test_every_api_operation_is_classified() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        operation["operationId"]
        for path in schema["paths"].values()
        for method, operation in path.items()
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations - set(API_OPERATIONS) == set(), "classify in sharing/routes.py"
    assert set(API_OPERATIONS) - operations == set(), "remove operations that no longer exist"


def test_every_route_is_classified() -> None:
    names = {name for name, _path in ALL}
    assert names - set(ROUTES) == set(), "classify new routes in sharing/routes.py"
    assert set(ROUTES) - names == set(), "remove routes that no longer exist"


@pytest.mark.parametrize(("name", "path"), ALL)
def test_non_public_routes_need_a_login(name: str, path: str) -> None:
    response = Client(HTTP_HOST="127.0.0.1").get(_concrete(path))
    if ROUTES[name] is Exposure.PUBLIC:
        # 404: single sign-on while no identity provider is configured.
        assert response.status_code in (200, 302, 405) or name.startswith("oidc_")
    elif path.startswith("api/"):
        assert response.status_code == 401
    else:
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response["Location"].startswith("/inloggen")


@pytest.mark.parametrize(("name", "path"), [(n, p) for n, p in ALL if "<" in p])
def test_unknown_objects_look_like_forbidden_ones(name: str, path: str, outsider: Actor) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=outsider.user_id))
    url = _concrete(path)
    response = client.get(url)
    if response.status_code == 405:  # write-only routes: the write must not tell either
        if path.startswith("api/"):
            response = client.patch(url, {"acknowledged": True}, content_type="application/json")
        if response.status_code == 405:
            response = client.post(url, {"to": "acknowledged"}, content_type="application/json")
    assert response.status_code == 404


@pytest.fixture
def others_objects(reporter: Actor, police: object) -> dict[str, str]:
    """One real object per path parameter, none of them the outsider's to see."""
    from django.utils import timezone

    from ketenzicht.persons.models import HitNotice
    from ketenzicht.sharing.models import SharingGroup
    from ketenzicht.signals.factories import TEST_CONTEXT, register
    from ketenzicht.signals.import_jobs import import_job_create

    signal = register(reporter)  # distribution: the reporting organisation only
    record = signal.subjects.get().record
    notice = HitNotice.objects.create(
        organisation_id=reporter.organisation_id,
        record=record,
        other_organisation=police,
        other_record=record,
        since=timezone.now(),
    )
    job = import_job_create(actor=reporter, context=TEST_CONTEXT, filename="a.csv", content=b"x")
    group = SharingGroup.objects.create(code="others", name="Others")
    from ketenzicht.followup.services import referral_open
    from ketenzicht.notifications.models import Subscription

    receiver = OrganisationFactory(code="receiver")
    referral = referral_open(
        actor=reporter,
        context=TEST_CONTEXT,
        kind="routed",
        signals=[signal],
        to_organisation=receiver,
        from_organisation_id=reporter.organisation_id or 0,
        reason="test",
    )
    subscription = Subscription.objects.create(
        organisation_id=reporter.organisation_id,
        callback_url="https://partner.example/hook",
        secret="s",
        channels=["referrals"],
    )
    from ketenzicht.followup.models import Case, RoutingRule, VictimTrack

    track = VictimTrack.objects.create(subject=signal.subjects.get())
    case = Case.objects.create(name="others' case", organisation_id=reporter.organisation_id)
    case.signals.add(signal)
    rule = RoutingRule.objects.create(code="R-test", name="test", target_organisation=receiver)
    from ketenzicht.persons.models import MatchReview, PersonRecord

    other_record = PersonRecord.objects.create(organisation_id=reporter.organisation_id)
    left, right = sorted([record.pk, other_record.pk])
    review = MatchReview.objects.create(left_id=left, right_id=right, probability=0.7, weight=1.2)
    from ketenzicht.persons.models import TokenRecord

    token_record = TokenRecord.objects.create(
        organisation_id=reporter.organisation_id, reference="their-ref-1", key_id="k1"
    )
    from ketenzicht.monitor.models import PublishedTable

    PublishedTable.objects.create(scope="GM0014", key="types", data={}, built_at=timezone.now())
    return {
        "<str:scope>": "GM0014",
        "<str:area>": "GM0014",
        "<str:fmt>": "csv",
        "<str:reference>": token_record.reference,
        "<int:review_id>": str(review.pk),
        "<int:track_id>": str(track.pk),
        "<slug:step>": "bedenktijd",
        "<int:case_id>": str(case.pk),
        "<slug:kind>": "routering",
        "<int:pk>": str(rule.pk),
        "<uuid:referral_id>": str(referral.pk),
        "<uuid:subscription_id>": str(subscription.pk),
        "<uuid:signal_id>": str(signal.pk),
        "<uuid:person_id>": str(record.pk),
        "<uuid:job_id>": str(job.pk),
        "<int:notice_id>": str(notice.pk),
        "<int:hit_id>": str(notice.pk),
        "<int:group_id>": str(group.pk),
        "<int:organisation_id>": str(reporter.organisation_id),
    }


def _answer(client: Client, path: str) -> tuple[int, bytes]:
    """Status and body, with what legitimately differs per request (the path itself and
    the masked CSRF token) blanked out."""
    response = client.get(path)
    if response.status_code == 405:
        if path.startswith("/api/"):
            response = client.patch(path, {"acknowledged": True}, content_type="application/json")
        if response.status_code == 405:
            response = client.post(path, {"to": "acknowledged"}, content_type="application/json")
    body = response.content.replace(path.encode(), b"PATH")
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"CSRF", body)
    return response.status_code, body


@pytest.mark.parametrize(("name", "path"), [(n, p) for n, p in ALL if "<" in p])
def test_forbidden_objects_answer_exactly_like_unknown_ones(
    name: str, path: str, outsider: Actor, others_objects: dict[str, str]
) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=outsider.user_id))
    real = "/" + path
    for converter, value in others_objects.items():
        real = real.replace(converter, value)
    assert "<" not in real, f"give {name} a real object in others_objects"
    forbidden = _answer(client, real)
    unknown = _answer(client, _concrete(path))
    assert forbidden[0] == 404
    assert forbidden == unknown


# What each case-content route shows of the reporter's own signal when opened with a GET;
# a search needs its words.
SHOWING_QUERIES = {"api:persons": "?name=tesfay"}
# Routes that must show the signal or its person (so the check below is never vacuous).
MUST_SHOW = {
    "signals:list",
    "signals:detail",
    "persons:detail",
    "api:signals",
    "api:signal",
    "api:persons",
    "api:person",
}


@pytest.mark.parametrize(
    ("name", "path"), [(n, p) for n, p in ALL if ROUTES.get(n) is Exposure.CASE_CONTENT]
)
def test_case_content_routes_audit_every_object_they_show(
    name: str, path: str, reporter: Actor, others_objects: dict[str, str]
) -> None:
    """Issue 19: a list, search or page that shows a signal or a person writes an audit
    event naming it (as its object, or among the objects it showed), so that a subject
    access export finds every consultation, not only a count of rows."""
    from ketenzicht.api.authentication import token_create
    from ketenzicht.audit.chain import object_ref
    from ketenzicht.audit.models import AuditEvent
    from ketenzicht.signals.models import Signal

    signal = Signal.objects.get(pk=others_objects["<uuid:signal_id>"])
    record_id = others_objects["<uuid:person_id>"]
    user = User.objects.get(pk=reporter.user_id)
    if path.startswith("api/"):
        client = Client(
            HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token_create(user=user)}"
        )
    else:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
    url = "/" + path
    for converter, value in others_objects.items():
        url = url.replace(converter, value)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url + SHOWING_QUERIES.get(name, ""))
    assert response.status_code in (200, 405), response.status_code
    body = response.content.decode()
    shown = {
        ("signal", str(signal.pk)): str(signal.pk) in body or signal.reference in body,
        ("person", record_id): record_id in body or "Tesfay" in body,
    }
    if name in MUST_SHOW:
        assert any(shown.values()), f"{name} shows neither the signal nor its person"
    named = set()
    for ref, refs in AuditEvent.objects.filter(id__gt=before).values_list(
        "object_ref", "object_refs"
    ):
        named |= {ref, *refs.split()}
    for (kind, pk), is_shown in shown.items():
        if is_shown:
            assert object_ref(kind, pk) in named, f"{name} shows a {kind} without naming it"
