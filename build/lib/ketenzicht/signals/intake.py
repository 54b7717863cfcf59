"""Typed input for registering a signal, shared by the web form, the API and the import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SubjectInput:
    role: str
    given_name: str = ""
    family_name: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    dob_precision: str = "unknown"
    sex: str = "unknown"
    nationality: str = ""
    v_number: str = ""
    phones: tuple[str, ...] = ()
    restricted: bool = False  # identity stays inside the reporting organisation


@dataclass(frozen=True)
class SignalInput:
    kind: str
    observed_on: dt.date
    municipality_code: str
    narrative: str
    exploitation_type_codes: tuple[str, ...]
    indicator_codes: tuple[str, ...] = ()
    control_method_codes: tuple[str, ...] = ()
    location_id: int | None = None
    source_reliability: str = "X"
    information_credibility: str = "4"
    # Sharing: empty means the default (soft -> chain, hard -> organisation; the
    # organisation's default legal basis). See sharing.services.sharing_decide.
    distribution: str = ""
    sharing_group: str = ""
    legal_basis: str = ""
    legal_basis_note: str = ""
    handling_codes: tuple[str, ...] = ()
    source_reference: str = ""
    subjects: tuple[SubjectInput, ...] = field(default_factory=tuple)
