"""Every URL the application serves, classified by what it exposes.

The meta-test ``sharing/tests/test_routes.py`` enumerates the URL configuration and fails when a
route is missing here, so a new page or API operation cannot ship without someone deciding
who may reach it and through which policy function it reads.
"""

from __future__ import annotations

from enum import StrEnum


class Exposure(StrEnum):
    PUBLIC = "public"  # no personal data, no login (login page, API description)
    ACCOUNT = "account"  # the signed-in user's own session (log out, language, start page)
    CASE_CONTENT = "case_content"  # signals / persons through policy, audited
    OWN_WORK = "own_work"  # objects the user created (import jobs), no other user's
    AUDIT_TRAIL = "audit_trail"  # auditors only (policy.may_read_audit)
    HITS = "hits"  # the own organisation's hit notices (policy.visible_hit_notices)
    ATTENTION = "attention"  # residents needing attention (policy.attention_locations)
    AGGREGATE = "aggregate"  # counts without personal data (policy.signals_for_aggregates)
    ADMINISTRATION = "administration"  # sharing configuration (policy.may_administer)
    REFERRALS = "referrals"  # to/from the own organisation (followup.access.visible_referrals)
    FOLLOW_UP_FIGURES = "follow_up_figures"  # deadline counts (policy.may_view_follow_up_figures)
    SUBSCRIPTIONS = "subscriptions"  # own webhooks (notifications.access.visible_subscriptions)
    INBOX = "inbox"  # the signed-in user's own messages
    CASES = "cases"  # joint-analysis cases of the own organisation or its groups
    VICTIM_TRACK = "victim_track"  # victim track steps on signals seen in full (services)
    TOKENS = "tokens"  # the own organisation's token records (policy.visible_token_records)
    MATCH_REVIEWS = "match_reviews"  # linkage review and split (policy.visible_match_reviews)
    # A data subject's request: the own organisation's records (policy.subject_access_records)
    SUBJECT_ACCESS = "subject_access"


ROUTES: dict[str, Exposure] = {
    "home": Exposure.ACCOUNT,
    "login": Exposure.PUBLIC,
    "logout": Exposure.ACCOUNT,
    "set_language": Exposure.PUBLIC,
    # The second factor and the account's own security page (accounts.mfa, ADR 0018).
    "mfa_verify": Exposure.ACCOUNT,
    "mfa_setup": Exposure.ACCOUNT,
    "mfa_authenticator": Exposure.ACCOUNT,
    "mfa_backup_codes": Exposure.ACCOUNT,
    "mfa_remove": Exposure.ACCOUNT,
    "password_change": Exposure.ACCOUNT,
    "sessions_end": Exposure.ACCOUNT,
    "reauthenticate": Exposure.ACCOUNT,
    "otp_webauthn:credential-registration-begin": Exposure.ACCOUNT,
    "otp_webauthn:credential-registration-complete": Exposure.ACCOUNT,
    "otp_webauthn:credential-authentication-begin": Exposure.ACCOUNT,
    "otp_webauthn:credential-authentication-complete": Exposure.ACCOUNT,
    "otp_webauthn:js-i18n-catalog": Exposure.PUBLIC,  # translations of the key dialogs
    # Single sign-on (ADR 0019): the way in, answering 404 unless a provider is configured.
    "oidc_authentication_init": Exposure.PUBLIC,
    "oidc_authentication_callback": Exposure.PUBLIC,
    "signals:list": Exposure.CASE_CONTENT,
    "signals:create": Exposure.CASE_CONTENT,
    "signals:import": Exposure.OWN_WORK,
    "signals:import-job": Exposure.OWN_WORK,
    "signals:detail": Exposure.CASE_CONTENT,
    "signals:edit": Exposure.CASE_CONTENT,
    "signals:share": Exposure.CASE_CONTENT,
    "persons:detail": Exposure.CASE_CONTENT,
    "privacy:requests": Exposure.SUBJECT_ACCESS,
    "privacy:export": Exposure.SUBJECT_ACCESS,
    "persons:hits": Exposure.HITS,
    "persons:hit-acknowledge": Exposure.HITS,
    "persons:attention": Exposure.ATTENTION,
    "persons:reviews": Exposure.MATCH_REVIEWS,
    "persons:review": Exposure.MATCH_REVIEWS,
    "persons:split": Exposure.MATCH_REVIEWS,
    "sharing:health": Exposure.AGGREGATE,
    "sharing:groups": Exposure.ADMINISTRATION,
    "sharing:group-create": Exposure.ADMINISTRATION,
    "sharing:group": Exposure.ADMINISTRATION,
    "sharing:organisations": Exposure.ADMINISTRATION,
    "sharing:organisation": Exposure.ADMINISTRATION,
    "audit:list": Exposure.AUDIT_TRAIL,
    "followup:inbox": Exposure.REFERRALS,
    "followup:referral": Exposure.REFERRALS,
    "followup:sla": Exposure.FOLLOW_UP_FIGURES,
    "followup:cases": Exposure.CASES,
    "followup:case-create": Exposure.CASES,
    "followup:case": Exposure.CASES,
    "followup:victim-step": Exposure.VICTIM_TRACK,
    "followup:resident-missing": Exposure.ATTENTION,
    "followup:configuration": Exposure.ADMINISTRATION,
    "followup:configuration-create": Exposure.ADMINISTRATION,
    "followup:configuration-edit": Exposure.ADMINISTRATION,
    "notifications:subscriptions": Exposure.SUBSCRIPTIONS,
    "notifications:subscription-create": Exposure.SUBSCRIPTIONS,
    "notifications:subscription": Exposure.SUBSCRIPTIONS,
    "notifications:subscription-created": Exposure.SUBSCRIPTIONS,
    "notifications:deliveries": Exposure.SUBSCRIPTIONS,
    "monitor:home": Exposure.AGGREGATE,
    "monitor:area": Exposure.AGGREGATE,
    "monitor:export": Exposure.AGGREGATE,
    "monitor:self_assessment": Exposure.AGGREGATE,
    "api:signals": Exposure.CASE_CONTENT,
    "api:signal": Exposure.CASE_CONTENT,
    "api:persons": Exposure.CASE_CONTENT,
    "api:hits": Exposure.HITS,
    "api:hit": Exposure.HITS,
    "api:attention": Exposure.ATTENTION,
    "api:person": Exposure.CASE_CONTENT,
    "api:referrals": Exposure.REFERRALS,
    "api:referral": Exposure.REFERRALS,
    "api:referral-transitions": Exposure.REFERRALS,
    "api:subscriptions": Exposure.SUBSCRIPTIONS,
    "api:subscription": Exposure.SUBSCRIPTIONS,
    "api:token-records": Exposure.TOKENS,
    "api:token-record": Exposure.TOKENS,
    "api:monitor": Exposure.AGGREGATE,  # published tables (monitor.access.monitor_scopes)
    "api:schema": Exposure.PUBLIC,
    "api:docs": Exposure.PUBLIC,
}

# Every operation of the API description, by operationId; the meta-test compares this with
# the generated OpenAPI document, so a new method on an existing path is classified too.
API_OPERATIONS: dict[str, Exposure] = {
    "signals_list": Exposure.CASE_CONTENT,
    "signals_create": Exposure.CASE_CONTENT,
    "signals_read": Exposure.CASE_CONTENT,
    "signals_partial_update": Exposure.CASE_CONTENT,
    "persons_list": Exposure.CASE_CONTENT,
    "persons_read": Exposure.CASE_CONTENT,
    "hits_list": Exposure.HITS,
    "hits_partial_update": Exposure.HITS,
    "attention_list": Exposure.ATTENTION,
    "openapi.json_retrieve": Exposure.PUBLIC,
    "referrals_list": Exposure.REFERRALS,
    "referrals_read": Exposure.REFERRALS,
    "referrals_transitions_create": Exposure.REFERRALS,
    "subscriptions_list": Exposure.SUBSCRIPTIONS,
    "subscriptions_create": Exposure.SUBSCRIPTIONS,
    "subscriptions_read": Exposure.SUBSCRIPTIONS,
    "subscriptions_update": Exposure.SUBSCRIPTIONS,
    "subscriptions_delete": Exposure.SUBSCRIPTIONS,
    "token_records_list": Exposure.TOKENS,
    "token_records_read": Exposure.TOKENS,
    "token_records_update": Exposure.TOKENS,
    "token_records_delete": Exposure.TOKENS,
    "monitor_read": Exposure.AGGREGATE,
}
