"""Writes of the privacy-preserving hit/no-hit index (ADR 0010): partners that may not share
plaintext identities send, per record of theirs, the keyed tokens they computed with
``ketenzicht tokens``; the index stores and compares them for equality only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context

from .linkage.tokens import KINDS
from .models import PartnerToken, TokenRecord

REFERENCE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_TOKENS = 20


def _clean(
    reference: str, key_id: str, tokens: Iterable[Mapping[str, str]]
) -> list[tuple[str, str]]:
    errors: dict[str, list[str]] = {}
    if not REFERENCE.match(reference or ""):
        errors["reference"] = [_("Use 1 to 64 letters, digits or . _ : - for your own reference.")]
    if not KEY_ID.match(key_id or ""):
        errors["key_id"] = [_("Use 1 to 32 letters, digits or . _ - for the key identifier.")]
    pairs: list[tuple[str, str]] = []
    for position, token in enumerate(tokens):
        kind, value = str(token.get("kind", "")), str(token.get("value", ""))
        if kind not in KINDS:
            errors.setdefault("tokens", []).append(
                _("Token %(n)d: the kind must be one of %(kinds)s.")
                % {"n": position + 1, "kinds": ", ".join(KINDS)}
            )
        elif not TOKEN.match(value):
            errors.setdefault("tokens", []).append(
                _("Token %(n)d: a token is 32 lower-case hexadecimal characters.")
                % {"n": position + 1}
            )
        else:
            pairs.append((kind, value))
    if len(pairs) > MAX_TOKENS:
        errors.setdefault("tokens", []).append(
            _("Send at most %(max)d tokens per record.") % {"max": MAX_TOKENS}
        )
    if errors:
        raise ValidationError(errors)
    return sorted(set(pairs))


@transaction.atomic
def token_record_put(
    *,
    actor: Actor,
    context: Context,
    reference: str,
    key_id: str,
    tokens: Iterable[Mapping[str, str]],
) -> TokenRecord | None:
    """Create or replace the tokens of one of the partner's records. None (and a denied
    audit event) when the actor may not exchange tokens."""
    if not policy.may_exchange_tokens(actor):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            purpose=Purpose.CHAIN_EXCHANGE,
            context=context,
            object_type="token_record",
            result=Result.DENIED,
        )
        return None
    pairs = _clean(reference, key_id, tokens)
    record, created = TokenRecord.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id or 0, reference=reference, defaults={"key_id": key_id}
    )
    record.key_id = key_id
    record.save()
    record.tokens.all().delete()
    PartnerToken.objects.bulk_create(
        PartnerToken(record=record, kind=kind, value=value) for kind, value in pairs
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="token_record",
        object_id=record.pk,
        detail={"tokens": len(pairs), "key_id": key_id},
    )
    return record


@transaction.atomic
def token_record_delete(*, actor: Actor, context: Context, reference: str) -> bool:
    """Withdraw one of the partner's records from the index; False when there is none."""
    detail = {"reference": reference[:64]}
    record = audited_get(
        policy.visible_token_records(actor).select_for_update(),
        reference,
        by="reference",
        actor=actor,
        context=context,
        action=Action.DELETE,
        purpose=Purpose.CHAIN_EXCHANGE,
        object_type="token_record",
        record_ok=False,
        detail=detail,
    )
    if record is None:
        return False
    audit_record(
        actor=actor,
        action=Action.DELETE,
        purpose=Purpose.CHAIN_EXCHANGE,
        context=context,
        object_type="token_record",
        object_id=record.pk,
        detail=detail,
    )
    record.delete()
    return True


@transaction.atomic
def token_key_retire(*, context: Context, key_id: str) -> int:
    """After a key rotation, drop every token record made with the old key (ADR 0010)."""

    deleted, _rows = TokenRecord.objects.filter(key_id=key_id).delete()
    audit_record(
        actor=SYSTEM,
        action=Action.DELETE,
        purpose=Purpose.ADMINISTRATION,
        context=context,
        object_type="token_record",
        detail={"retired_key_id": key_id, "records": deleted},
    )
    return deleted
