"""The acting party of every read and write: a user acting for one organisation."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    organisation_id: int | None
    organisation_code: str
    roles: frozenset[str] = field(default_factory=frozenset)
    location_id: int | None = None
    municipality_code: str | None = None
    organisation_name: str = ""

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def can_register(self) -> bool:
        return self.has_role(Role.FRONTLINE, Role.COORDINATOR, Role.INVESTIGATOR)

    @property
    def is_auditor(self) -> bool:
        return self.has_role(Role.AUDITOR)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)


SYSTEM = Actor(user_id=0, username="system", organisation_id=None, organisation_code="system")
