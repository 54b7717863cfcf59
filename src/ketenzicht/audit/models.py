"""Append-only audit trail with a hash chain.

Events are inserted in the transaction of the action they record. A background step (the
worker, or ``ketenzicht audit verify``) links committed events into the hash chain by
inserting ``AuditChainLink`` rows, so requests never queue behind one chain lock
(ADR 0003). Neither table is ever updated or deleted: database triggers refuse it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    VIEW = "view", _("view")
    LIST = "list", _("list")
    EXPORT = "export", _("export")
    IMPORT = "import", _("import")
    LOGIN = "login", _("log in")
    LOGIN_FAILED = "login_failed", _("failed log-in")
    LOGOUT = "logout", _("log out")
    LOCKOUT = "lockout", _("locked out after failed log-ins")
    MFA_VERIFY = "mfa_verify", _("second factor given")
    MFA_FAILED = "mfa_failed", _("wrong second factor")
    MFA_ENROL = "mfa_enrol", _("set up a second factor")
    MFA_REMOVE = "mfa_remove", _("removed a second factor")
    PASSWORD_CHANGE = "password_change", _("changed password")
    TOKEN_CREATE = "token_create", _("create API token")
    DEMO_LOAD = "demo_load", _("load demo data")
    SHARE = "share", _("change sharing")
    GRANT = "grant", _("grant access")
    REVOKE = "revoke", _("revoke access")
    MATCH = "match", _("hit/no-hit match")
    ACKNOWLEDGE = "acknowledge", _("acknowledge")
    CONFIGURE = "configure", _("change configuration")
    DELETE = "delete", _("delete")
    ROUTE = "route", _("route to a competent body")
    TRANSITION = "transition", _("change referral status")
    ESCALATE = "escalate", _("escalate an overdue referral")
    VICTIM_STEP = "victim_step", _("victim track step")
    MATCH_REVIEW = "match_review", _("decide whether two records are one person")
    SPLIT = "split", _("split a wrong link")
    PURGE = "purge", _("delete or anonymise after the retention period")
    REFUSED = "refused", _("refused by a security control")
    ERROR = "error", _("unexpected error")


class Purpose(models.TextChoices):
    REGISTRATION = "registration", _("registering a signal")
    FOLLOW_UP = "follow_up", _("follow-up of a signal")
    WORK_LIST = "work_list", _("work list")
    CHAIN_EXCHANGE = "chain_exchange", _("exchange with a partner system")
    IMPORT = "import", _("bulk import")
    AUDIT = "audit", _("audit of lawful use")
    ACCESS_CONTROL = "access_control", _("access control")
    ADMINISTRATION = "administration", _("system administration")
    VICTIM_PROTECTION = "victim_protection", _("protecting a possible victim")
    MONITORING = "monitoring", _("monitoring (aggregates only)")
    DATA_SUBJECT_RIGHTS = "subject_rights", _("a data subject's request (GDPR)")
    RETENTION = "retention", _("retention period expired")


class ObjectType(models.TextChoices):
    SIGNAL = "signal", _("signal")
    PERSON = "person", _("person")
    USER = "user", _("user")
    IMPORT = "import", _("import")
    AUDIT_EVENT = "audit_event", _("audit event")
    HIT = "hit", _("hit notice")
    SHARING_GROUP = "sharing_group", _("sharing group")
    ORGANISATION = "organisation", _("organisation")
    REFERRAL = "referral", _("referral")
    CASE = "case", _("joint-analysis case")
    SUBSCRIPTION = "subscription", _("webhook subscription")
    ROUTING_RULE = "routing_rule", _("routing rule")
    COMBINATION_RULE = "combination_rule", _("combination rule")
    DEADLINE_POLICY = "deadline_policy", _("deadline policy")
    VICTIM_TRACK = "victim_track", _("victim track")
    SELF_ASSESSMENT = "self_assessment", _("municipal self-assessment")


class Result(models.TextChoices):
    OK = "ok", _("ok")
    DENIED = "denied", _("denied or not found")
    INVALID = "invalid", _("rejected input")
    ERROR = "error", _("error")


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor = models.CharField(_("actor"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=60)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(
        _("object type"), max_length=40, blank=True, choices=ObjectType.choices
    )
    # HMAC of the object id: the chain never holds case content, so purging a signal
    # later does not break it, yet an auditor who knows an id can find its events.
    object_ref = models.CharField(_("object reference"), max_length=64, blank=True)
    # A list, search or export shows many objects at once: their keyed references,
    # space-separated, so a subject access export finds every list that showed the person
    # (``chain.refs_q``). Part of the hashed event whenever it is not empty.
    object_refs = models.TextField(_("object references"), blank=True, default="")
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    channel = models.CharField(_("channel"), max_length=10)  # web, api, cli, task
    origin = models.CharField(_("origin"), max_length=64, blank=True)  # client address
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["object_ref"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")


class AuditChainLink(models.Model):
    """The position of one event in the hash chain: hash = SHA-256(prev_hash || event)."""

    seq = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="link")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    linked_at = models.DateTimeField(auto_now_add=True)


class AuditChainHead(models.Model):
    """One row, locked while events are linked, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
