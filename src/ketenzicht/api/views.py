"""API v1 endpoints: thin, one class per resource; logic lives in services and selectors."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.audit.models import Purpose
from ketenzicht.common.context import request_context
from ketenzicht.common.keyset import Page
from ketenzicht.common.ratelimit import ApiThrottle, SearchThrottle
from ketenzicht.followup.models import Referral
from ketenzicht.followup.selectors import attach_referrals, referral_get, referral_list
from ketenzicht.followup.services import referral_transition
from ketenzicht.followup.workflow import Step
from ketenzicht.notifications import access as notifications_access
from ketenzicht.notifications.selectors import subscription_get
from ketenzicht.notifications.services import (
    SubscriptionInput,
    subscription_create,
    subscription_delete,
    subscription_update,
)
from ketenzicht.persons.hit_selectors import attention_list, hit_list
from ketenzicht.persons.hit_services import hit_acknowledge
from ketenzicht.persons.selectors import person_get, person_list
from ketenzicht.persons.token_selectors import TokenRecordHits, token_hit_list, token_record_hits
from ketenzicht.persons.token_services import token_record_delete, token_record_put
from ketenzicht.policy import Projection
from ketenzicht.sharing.services import SharingRequest, signal_share
from ketenzicht.signals.models import Signal
from ketenzicht.signals.selectors import SignalFilters, signal_get, signal_list
from ketenzicht.signals.services import signal_register

from . import idempotency
from . import serializers as s

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "A key of your own (e.g. a UUID) that makes a retry safe: the same key with the same "
        "body returns the signal created the first time (header `Idempotent-Replayed: "
        "true`); with another body, 422."
    ),
)
PROBLEM_RESPONSE = OpenApiResponse(description="Idempotency-Key already used for another body")
EXPLANATION = OpenApiParameter(
    "X-Audit-Toelichting",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Why you read this data; stored in the audit trail.",
)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def camel_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    """Service errors use model field names; the API names its own (camelCase) fields."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                re.sub(r"[a-z_]+", lambda m: camel(m.group()), k): v
                for k, v in exc.message_dict.items()
            }
        )
    return exceptions.ValidationError(exc.messages)


class ActorMixin:
    def actor(self, request: Request) -> Actor:
        return actor_for_user(request.user)  # type: ignore[arg-type]


def _page_url(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = {k: v for k, v in request.query_params.items() if k != "cursor"}
    params["cursor"] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(params)


def _page_response(request: Request, page: Page[Any], serializer: type[Serializer]) -> Response:
    return Response(
        {
            "next": _page_url(request, page.next_cursor),
            "results": serializer(page.items, many=True).data,
        }
    )


class SignalCollection(ActorMixin, APIView):
    @extend_schema(
        operation_id="signals_list",
        tags=["signals"],
        summary="List signals you may see, newest first (keyset pages)",
        description=(
            "Signals visible to your organisation under the sharing policy, newest first. "
            "Follow `next` for older signals. Each call is audited."
        ),
        parameters=[s.SignalFilterSerializer, EXPLANATION],
        responses=s.SignalPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.SignalFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        filters = SignalFilters(
            kind=q.get("kind", ""),
            status=q.get("status", ""),
            observed_from=q.get("observedFrom"),
            observed_to=q.get("observedTo"),
            municipality=q.get("municipality", ""),
            exploitation_type=q.get("exploitationType", ""),
        )
        try:
            page = signal_list(
                actor=self.actor(request),
                context=request_context(request, "api"),
                filters=filters,
                cursor=q.get("cursor"),
                size=q.get("pageSize", 25),
                purpose=Purpose.CHAIN_EXCHANGE,
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        return _page_response(request, page, s.SignalSummarySerializer)

    @extend_schema(
        operation_id="signals_create",
        tags=["signals"],
        summary="Register a signal",
        description=(
            "Registers a hard or soft signal with its subjects. All or nothing: invalid input "
            "returns 400 with the fields named and saves nothing."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=s.SignalInputSerializer,
        responses={201: s.SignalSerializer, 422: PROBLEM_RESPONSE},
    )
    def post(self, request: Request) -> Response:
        key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
        payload = s.SignalInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor(request)
        context = request_context(request, "api")

        def create() -> Any:
            try:
                return signal_register(actor=actor, context=context, data=payload.to_input())
            except DjangoValidationError as exc:
                raise camel_errors(exc) from exc

        replayed = False
        if key is None or actor.organisation_id is None:
            signal_id = create().pk
        else:
            signal_id, replayed = idempotency.once(
                organisation_id=actor.organisation_id,
                key=key,
                digest=idempotency.request_digest(request.data),
                create=create,
            )
        # Read back through the selector: the response shows what was stored, and the
        # read of the new signal is audited like any other.
        stored = attach_referrals(
            actor=actor,
            signal=signal_get(
                actor=actor, context=context, signal_id=signal_id, purpose=Purpose.REGISTRATION
            ),
        )
        if stored is None:
            raise exceptions.NotFound()
        response = Response(_signal_view(stored), status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/v1/signals/{signal_id}")
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


SIGNAL_VIEW = PolymorphicProxySerializer(
    component_name="SignalView",
    serializers={"full": s.SignalSerializer, "attention": s.SignalAttentionSerializer},
    resource_type_field_name="projection",
)


def _signal_view(signal: Any) -> dict[str, Any]:
    if signal.projection == Projection.FULL:
        return dict(s.SignalSerializer(signal).data)
    return dict(s.SignalAttentionSerializer(signal).data)


class SignalItem(ActorMixin, APIView):
    @extend_schema(
        operation_id="signals_read",
        tags=["signals"],
        summary="One signal, as far as your role may see it",
        description=(
            "`projection` says how much you see: `full` (content, for roles with a need to "
            "know) or `attention` (that a partner registered it and whom to contact; no "
            "narrative, no people). Forbidden and nonexistent both answer 404."
        ),
        parameters=[EXPLANATION],
        responses=SIGNAL_VIEW,
    )
    def get(self, request: Request, signal_id: str) -> Response:
        actor = self.actor(request)
        signal = attach_referrals(
            actor=actor,
            signal=signal_get(
                actor=actor,
                context=request_context(request, "api"),
                signal_id=signal_id,
                purpose=Purpose.CHAIN_EXCHANGE,
            ),
        )
        if signal is None:
            raise exceptions.NotFound()
        return Response(_signal_view(signal))

    @extend_schema(
        operation_id="signals_partial_update",
        tags=["signals"],
        summary="Change how far a signal is shared",
        description=(
            "Only the reporting organisation may. Sharing beyond your organisation needs a "
            "legal basis (`legalBasis`, or your organisation's default); without one the "
            "change is refused with 400. Takes effect on the partners' next request."
        ),
        request=s.SignalSharingSerializer,
        responses={200: s.SignalSerializer},
    )
    def patch(self, request: Request, signal_id: str) -> Response:
        payload = s.SignalSharingSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor, context = self.actor(request), request_context(request, "api")
        try:
            signal_share(
                actor=actor,
                context=context,
                signal_id=signal_id,
                request=SharingRequest(
                    distribution=data["distribution"],
                    sharing_group=data.get("sharingGroup", ""),
                    legal_basis=data.get("legalBasis", ""),
                    legal_basis_note=data.get("legalBasisNote", ""),
                    handling_codes=tuple(data.get("handlingCodes", ())),
                ),
                expected_version=data.get("version"),
            )
        except Signal.DoesNotExist as exc:
            raise exceptions.NotFound() from exc
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise Conflict(exc.messages[0]) from exc
            raise camel_errors(exc) from exc
        stored = attach_referrals(
            actor=actor, signal=signal_get(actor=actor, context=context, signal_id=signal_id)
        )
        if stored is None:  # restricted away from the actor itself between the two steps
            raise exceptions.NotFound()
        return Response(_signal_view(stored))


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource was changed by someone else."
    default_code = "conflict"


class HitCollection(ActorMixin, APIView):
    @extend_schema(
        operation_id="hits_list",
        tags=["hits"],
        summary="Hit notices for your organisation (coordinators)",
        description=(
            "Another organisation also holds a record about a person your organisation "
            "registered: which organisation, its contact, since when, and the signal numbers "
            "on both sides, never its content. Newest first; audited."
        ),
        parameters=[s.HitFilterSerializer, EXPLANATION],
        responses=s.HitPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.HitFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            page = hit_list(
                actor=self.actor(request),
                context=request_context(request, "api"),
                open_only=q.get("open", False),
                cursor=q.get("cursor"),
                size=q.get("pageSize", 25),
                purpose=Purpose.CHAIN_EXCHANGE,
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        return _page_response(request, page, s.HitSerializer)


class HitItem(ActorMixin, APIView):
    @extend_schema(
        operation_id="hits_partial_update",
        tags=["hits"],
        summary="Mark a hit notice as dealt with",
        description="Sets `acknowledgedAt`; audited. A notice cannot be reopened.",
        request=s.HitUpdateSerializer,
        responses={200: s.HitSerializer},
    )
    def patch(self, request: Request, hit_id: int) -> Response:
        payload = s.HitUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not payload.validated_data["acknowledged"]:
            raise exceptions.ValidationError(
                {"acknowledged": ["A notice cannot be marked as not dealt with."]}
            )
        actor, context = self.actor(request), request_context(request, "api")
        if hit_acknowledge(actor=actor, context=context, notice_id=hit_id) is None:
            raise exceptions.NotFound()
        page = hit_list(actor=actor, context=context, notice_id=hit_id)
        return Response(s.HitSerializer(page.items[0]).data)


class AttentionCollection(ActorMixin, APIView):
    @extend_schema(
        operation_id="attention_list",
        tags=["attention"],
        summary="Residents of a reception location who need extra attention",
        description=(
            "For reception staff: residents linked to a signal naming them as presumed victim "
            "that your organisation may know of, or to a hit; newest first, with whom to "
            "contact. The narrative only when the signal is shared with you. Audited."
        ),
        parameters=[s.AttentionFilterSerializer, EXPLANATION],
        responses=s.AttentionListSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.AttentionFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        actor = self.actor(request)
        locations = policy.attention_locations(actor)
        code = query.validated_data.get("location")
        location = (
            locations.filter(code=code).first()
            if code
            else locations.filter(pk=actor.location_id or 0).first() or locations.first()
        )
        rows = (
            attention_list(
                actor=actor,
                context=request_context(request, "api"),
                location_id=location.pk,
                purpose=Purpose.CHAIN_EXCHANGE,
            )
            if location
            else None
        )
        if location is None or rows is None:
            raise exceptions.NotFound()
        return Response(
            {"location": location.code, "results": s.AttentionSerializer(rows, many=True).data}
        )


class PersonCollection(ActorMixin, APIView):
    # Both find people: limited more tightly than the rest of the API.
    throttle_classes = [ApiThrottle, SearchThrottle]

    @extend_schema(
        operation_id="persons_list",
        tags=["persons"],
        summary="List person records you may see",
        description="Person records your organisation registered, newest first. Audited.",
        parameters=[s.PersonFilterSerializer, EXPLANATION],
        responses=s.PersonPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.PersonFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            page = person_list(
                actor=self.actor(request),
                context=request_context(request, "api"),
                name=q.get("name", ""),
                v_number=q.get("vNumber", ""),
                cursor=q.get("cursor"),
                size=q.get("pageSize", 25),
                purpose=Purpose.CHAIN_EXCHANGE,
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        return _page_response(request, page, s.PersonSerializer)


class PersonItem(ActorMixin, APIView):
    @extend_schema(
        operation_id="persons_read",
        tags=["persons"],
        summary="One person record",
        description="A person record you may see; otherwise 404. Audited.",
        parameters=[EXPLANATION],
        responses=s.PersonSerializer,
    )
    def get(self, request: Request, person_id: str) -> Response:
        record = person_get(
            actor=self.actor(request),
            context=request_context(request, "api"),
            person_id=person_id,
            purpose=Purpose.CHAIN_EXCHANGE,
        )
        if record is None:
            raise exceptions.NotFound()
        return Response(s.PersonSerializer(record).data)


# -- follow-up --------------------------------------------------------------------------------


class ReferralCollection(ActorMixin, APIView):
    @extend_schema(
        operation_id="referrals_list",
        tags=["referrals"],
        summary="Referrals your organisation sent or received",
        description=(
            "Newest first. Filter by `signal`, `status` or `direction` (received / sent). "
            "Each referral says why it went to that body, its deadlines and, once closed, the "
            "outcome and the feedback for the reporter. Audited."
        ),
        parameters=[s.ReferralFilterSerializer, EXPLANATION],
        responses=s.ReferralPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.ReferralFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        try:
            page = referral_list(
                actor=self.actor(request),
                context=request_context(request, "api"),
                signal_id=q.get("signal"),
                status=q.get("status", ""),
                direction=q.get("direction", ""),
                cursor=q.get("cursor"),
                size=q.get("pageSize", 25),
                purpose=Purpose.CHAIN_EXCHANGE,
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        return _page_response(request, page, s.ReferralSerializer)


class ReferralItem(ActorMixin, APIView):
    @extend_schema(
        operation_id="referrals_read",
        tags=["referrals"],
        summary="One referral",
        description=(
            "A referral your organisation sent or received: the signals it holds (those you "
            "may see), why this body, its status, deadlines, outcome and feedback, and its "
            "history. Unknown and forbidden referrals answer alike: 404."
        ),
        parameters=[EXPLANATION],
        responses=s.ReferralSerializer,
    )
    def get(self, request: Request, referral_id: str) -> Response:
        referral = referral_get(
            actor=self.actor(request),
            context=request_context(request, "api"),
            referral_id=referral_id,
            purpose=Purpose.CHAIN_EXCHANGE,
        )
        if referral is None:
            raise exceptions.NotFound()
        return Response(s.ReferralSerializer(referral).data)


class ReferralTransitions(ActorMixin, APIView):
    @extend_schema(
        operation_id="referrals_transitions_create",
        tags=["referrals"],
        summary="Move a referral your organisation received to its next status",
        description=(
            "sent -> acknowledged -> in_assessment -> outcome -> closed; closed -> "
            "in_assessment reopens. `outcome` is needed for outcome and closed; closing "
            "needs `feedback` for the reporter; `no_further_action` needs `outcomeReason`; "
            "`forwarded` needs `forwardTo`. An illegal step is a 400 that changes nothing; "
            "a stale `version` is a 409."
        ),
        request=s.TransitionSerializer,
        responses={200: s.ReferralSerializer},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        payload = s.TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor, context = self.actor(request), request_context(request, "api")
        forward_to = None
        if data.get("forwardTo"):
            forward_to = (
                Organisation.objects.filter(code=data["forwardTo"]).values_list("pk", flat=True)
            ).first()
            if forward_to is None:
                raise exceptions.ValidationError({"forwardTo": ["Unknown organisation."]})
        step = Step(
            to=data["to"],
            outcome=data.get("outcome", ""),
            outcome_reason=data.get("outcomeReason", ""),
            feedback=data.get("feedback", ""),
            note=data.get("note", ""),
            forward_to=forward_to,
        )
        try:
            referral_transition(
                actor=actor,
                context=context,
                referral_id=referral_id,
                step=step,
                expected_version=data.get("version"),
            )
        except Referral.DoesNotExist as exc:
            raise exceptions.NotFound() from exc
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise Conflict(exc.messages[0]) from exc
            raise camel_errors(exc) from exc
        referral = referral_get(actor=actor, context=context, referral_id=referral_id)
        return Response(s.ReferralSerializer(referral).data)


def _subscription_input(data: dict[str, Any]) -> SubscriptionInput:
    return SubscriptionInput(
        callback_url=data["callback_url"],
        channels=tuple(data["channels"]),
        filters=data.get("filters", {}),
        active=data.get("active", True),
    )


class SubscriptionCollection(ActorMixin, APIView):
    @extend_schema(
        operation_id="subscriptions_list",
        tags=["subscriptions"],
        summary="Webhook subscriptions of your organisation",
        description=(
            "Coordinators and administrators. Each subscription receives the events of the "
            "chosen channels that concern your organisation, filtered on attributes; the "
            "signing secret is never listed."
        ),
        responses=s.SubscriptionPageSerializer,
    )
    def get(self, request: Request) -> Response:
        subscriptions = notifications_access.visible_subscriptions(self.actor(request))
        return Response(
            {"next": None, "results": s.SubscriptionSerializer(subscriptions, many=True).data}
        )

    @extend_schema(
        operation_id="subscriptions_create",
        tags=["subscriptions"],
        summary="Subscribe a partner system to events",
        description=(
            "Events of the chosen channels that concern your organisation arrive as "
            "CloudEvents 1.0 (structured JSON), signed with `X-Ketenzicht-Signature: "
            "sha256=<HMAC of the body with the secret>` and carrying `Idempotency-Key` (the "
            "event id; retries repeat it). Failed deliveries are retried with exponential "
            "backoff. The secret is shown once, in this response."
        ),
        request=s.SubscriptionSerializer,
        responses={201: s.SubscriptionCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = s.SubscriptionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = self.actor(request)
        if not policy.may_manage_subscriptions(actor):
            raise exceptions.NotFound()
        try:
            subscription, secret = subscription_create(
                actor=actor,
                context=request_context(request, "api"),
                data=_subscription_input(payload.validated_data),
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        data = dict(s.SubscriptionSerializer(subscription).data)
        data["secret"] = secret
        return Response(data, status=status.HTTP_201_CREATED)


class SubscriptionItem(ActorMixin, APIView):
    def _get(self, request: Request, subscription_id: str) -> Any:
        found = subscription_get(
            actor=self.actor(request),
            context=request_context(request, "api"),
            subscription_id=subscription_id,
        )
        if found is None:
            raise exceptions.NotFound()
        return found

    @extend_schema(
        operation_id="subscriptions_read",
        tags=["subscriptions"],
        summary="One webhook subscription",
        description="Without its signing secret. Other organisations' subscriptions answer 404.",
        responses=s.SubscriptionSerializer,
    )
    def get(self, request: Request, subscription_id: str) -> Response:
        return Response(s.SubscriptionSerializer(self._get(request, subscription_id)).data)

    @extend_schema(
        operation_id="subscriptions_update",
        tags=["subscriptions"],
        summary="Change a webhook subscription",
        description=(
            "Replace the callback URL, channels, attribute filters and whether it is active. "
            "The signing secret stays the same."
        ),
        request=s.SubscriptionSerializer,
        responses=s.SubscriptionSerializer,
    )
    def put(self, request: Request, subscription_id: str) -> Response:
        payload = s.SubscriptionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            subscription = subscription_update(
                actor=self.actor(request),
                context=request_context(request, "api"),
                subscription_id=subscription_id,
                data=_subscription_input(payload.validated_data),
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        if subscription is None:
            raise exceptions.NotFound()
        return Response(s.SubscriptionSerializer(subscription).data)

    @extend_schema(
        operation_id="subscriptions_delete",
        tags=["subscriptions"],
        summary="End a webhook subscription",
        description="Deliveries still pending for it are dropped with it.",
        responses={204: None},
    )
    def delete(self, request: Request, subscription_id: str) -> Response:
        if not subscription_delete(
            actor=self.actor(request),
            context=request_context(request, "api"),
            subscription_id=subscription_id,
        ):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _token_record_data(row: TokenRecordHits) -> dict[str, Any]:
    hits = [
        {"organisation": h.organisation, "kinds": sorted(h.kinds), "since": h.since}
        for h in row.hits
    ]
    return dict(s.TokenRecordSerializer({"record": row.record, "hits": hits}).data)


class TokenRecordItem(ActorMixin, APIView):
    @extend_schema(
        operation_id="token_records_update",
        tags=["tokens"],
        summary="Send the keyed tokens of one of your records (hit/no-hit without plaintext)",
        description=(
            "For partners that may not share plaintext identities: the tokens of one of your "
            "person records, made on your own systems with the partners' shared key "
            "(`ketenzicht tokens`). Replaces what you sent before under this reference. The "
            "answer says which other organisations sent an equal token under the same key, "
            "and of which kinds; never their tokens or references. Audited."
        ),
        request=s.TokenRecordPutSerializer,
        responses={200: s.TokenRecordSerializer},
    )
    def put(self, request: Request, reference: str) -> Response:
        payload = s.TokenRecordPutSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor, context = self.actor(request), request_context(request, "api")
        try:
            record = token_record_put(
                actor=actor,
                context=context,
                reference=reference,
                key_id=payload.validated_data["keyId"],
                tokens=payload.validated_data["tokens"],
            )
        except DjangoValidationError as exc:
            raise camel_errors(exc) from exc
        row = (
            token_record_hits(actor=actor, context=context, reference=reference)
            if record is not None
            else None
        )
        if row is None:
            raise exceptions.NotFound()
        return Response(_token_record_data(row))

    @extend_schema(
        operation_id="token_records_read",
        tags=["tokens"],
        summary="Which organisations share a token with one of your records",
        description=(
            "The current hits of one of your token records: organisations that sent an equal "
            "token under the same key id, with the token kinds in common. Audited."
        ),
        responses=s.TokenRecordSerializer,
    )
    def get(self, request: Request, reference: str) -> Response:
        row = token_record_hits(
            actor=self.actor(request), context=request_context(request, "api"), reference=reference
        )
        if row is None:
            raise exceptions.NotFound()
        return Response(_token_record_data(row))

    @extend_schema(
        operation_id="token_records_delete",
        tags=["tokens"],
        summary="Withdraw one of your records from the token index",
        description="Deletes the record and its tokens; later hits no longer see it. Audited.",
        responses={204: None},
    )
    def delete(self, request: Request, reference: str) -> Response:
        if not token_record_delete(
            actor=self.actor(request), context=request_context(request, "api"), reference=reference
        ):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRecordCollection(ActorMixin, APIView):
    # Both find people: limited more tightly than the rest of the API.
    throttle_classes = [ApiThrottle, SearchThrottle]

    @extend_schema(
        operation_id="token_records_list",
        tags=["tokens"],
        summary="Your token records that have hits (poll with `since`)",
        description="At most 500, most recently changed first; audited.",
        parameters=[s.TokenHitFilterSerializer],
        responses=s.TokenRecordListSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.TokenHitFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = token_hit_list(
            actor=self.actor(request),
            context=request_context(request, "api"),
            since=query.validated_data.get("since"),
        )
        if rows is None:
            raise exceptions.NotFound()
        return Response({"results": [_token_record_data(row) for row in rows]})
