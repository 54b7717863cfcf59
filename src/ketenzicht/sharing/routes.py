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
    CASE_CONTENT = "case_content"  # signals / persons through sharing.policy, audited
    OWN_WORK = "own_work"  # objects the user created (import jobs), no other user's
    AUDIT_TRAIL = "audit_trail"  # auditors only (policy.may_read_audit)


ROUTES: dict[str, Exposure] = {
    "home": Exposure.ACCOUNT,
    "login": Exposure.PUBLIC,
    "logout": Exposure.ACCOUNT,
    "set_language": Exposure.PUBLIC,
    "signals:list": Exposure.CASE_CONTENT,
    "signals:create": Exposure.CASE_CONTENT,
    "signals:import": Exposure.OWN_WORK,
    "signals:import-job": Exposure.OWN_WORK,
    "signals:detail": Exposure.CASE_CONTENT,
    "signals:edit": Exposure.CASE_CONTENT,
    "persons:detail": Exposure.CASE_CONTENT,
    "audit:list": Exposure.AUDIT_TRAIL,
    "api:signals": Exposure.CASE_CONTENT,
    "api:signal": Exposure.CASE_CONTENT,
    "api:persons": Exposure.CASE_CONTENT,
    "api:person": Exposure.CASE_CONTENT,
    "api:schema": Exposure.PUBLIC,
    "api:docs": Exposure.PUBLIC,
}
