"""The synthetic demo world: organisations, locations and accounts. No real people."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.models import (
    Location,
    LocationKind,
    Membership,
    Organisation,
    OrganisationType,
    Role,
    User,
)
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import CLI
from ketenzicht.followup.seed import follow_up_rules_seed
from ketenzicht.geo.models import Municipality
from ketenzicht.sharing.models import LegalBasis, OrganisationDefaults, SharingGroup

T = OrganisationType
POLICE_UNITS = {
    "PO1": ("noord-nederland", "GM0014"),
    "PO2": ("oost-nederland", "GM0202"),
    "PO3": ("midden-nederland", "GM0344"),
    "PO4": ("noord-holland", "GM0392"),
    "PO5": ("amsterdam", "GM0363"),
    "PO6": ("den-haag", "GM0518"),
    "PO7": ("rotterdam", "GM0599"),
    "PO8": ("zeeland-west-brabant", "GM0758"),
    "PO9": ("oost-brabant", "GM0796"),
    "PO10": ("limburg", "GM0935"),
}

# (code, name, type, seat municipality)
ORGANISATIONS: list[tuple[str, str, OrganisationType, str]] = [
    ("ind", "Immigratie- en Naturalisatiedienst", T.IND, "GM0603"),
    ("coa", "Centraal Orgaan opvang asielzoekers", T.COA, "GM0603"),
    ("kmar", "Koninklijke Marechaussee", T.KMAR, "GM0394"),
    ("dtv", "Dienst Terugkeer en Vertrek", T.DTV, "GM0518"),
    ("nidos", "Nidos", T.NIDOS, "GM0344"),
    ("dji", "Dienst Justitiële Inrichtingen", T.DJI, "GM0518"),
    ("emm", "Expertisecentrum Mensenhandel en Mensensmokkel", T.EMM, "GM0637"),
    ("comensha", "CoMensha", T.COMENSHA, "GM0307"),
    ("nla", "Nederlandse Arbeidsinspectie", T.LABOUR_INSPECTORATE, "GM0344"),
    ("rapporteur", "Nationaal Rapporteur Mensenhandel", T.RAPPORTEUR, "GM0518"),
    ("gemeente-westerwolde", "Gemeente Westerwolde", T.MUNICIPALITY, "GM1950"),
    ("gemeente-amsterdam", "Gemeente Amsterdam", T.MUNICIPALITY, "GM0363"),
    ("gemeente-rotterdam", "Gemeente Rotterdam", T.MUNICIPALITY, "GM0599"),
    ("gemeente-utrecht", "Gemeente Utrecht", T.MUNICIPALITY, "GM0344"),
] + [
    (f"avim-{slug}", f"Politie eenheid {name} - AVIM", T.AVIM, seat)
    for name, (slug, seat) in [
        ("Noord-Nederland", POLICE_UNITS["PO1"]),
        ("Oost-Nederland", POLICE_UNITS["PO2"]),
        ("Midden-Nederland", POLICE_UNITS["PO3"]),
        ("Noord-Holland", POLICE_UNITS["PO4"]),
        ("Amsterdam", POLICE_UNITS["PO5"]),
        ("Den Haag", POLICE_UNITS["PO6"]),
        ("Rotterdam", POLICE_UNITS["PO7"]),
        ("Zeeland-West-Brabant", POLICE_UNITS["PO8"]),
        ("Oost-Brabant", POLICE_UNITS["PO9"]),
        ("Limburg", POLICE_UNITS["PO10"]),
    ]
]
AVIM_UNIT = {f"avim-{slug}": code for code, (slug, _seat) in POLICE_UNITS.items()}

# Default legal basis per organisation type for sharing beyond the organisation.
DEFAULT_BASIS = {T.AVIM: "wpg-20", T.KMAR: "wpg-20"}
# A regional chain partnership, as in the Noord-Nederland covenant on trafficking.
SHARING_GROUPS = {
    "noord-nederland": (
        "Ketenoverleg mensenhandel Noord-Nederland",
        ["coa", "ind", "avim-noord-nederland", "gemeente-westerwolde", "nidos"],
    ),
}

# (code, organisation, name, kind, municipality): COA reception in real municipalities.
LOCATIONS: list[tuple[str, str, str, str, str]] = [
    (
        "coa-ter-apel",
        "coa",
        "COA aanmeldcentrum Ter Apel",
        LocationKind.APPLICATION_CENTRE,
        "GM1950",
    ),
    ("coa-budel", "coa", "COA azc Budel-Cranendonck", LocationKind.RECEPTION_CENTRE, "GM1706"),
    ("coa-zweeloo", "coa", "COA azc Zweeloo", LocationKind.RECEPTION_CENTRE, "GM0109"),
    ("coa-gilze", "coa", "COA azc Gilze", LocationKind.RECEPTION_CENTRE, "GM0784"),
    ("coa-den-helder", "coa", "COA azc Den Helder", LocationKind.RECEPTION_CENTRE, "GM0400"),
    ("coa-assen", "coa", "COA azc Assen", LocationKind.RECEPTION_CENTRE, "GM0106"),
    ("coa-musselkanaal", "coa", "COA azc Musselkanaal", LocationKind.RECEPTION_CENTRE, "GM0037"),
    ("coa-emmen", "coa", "COA azc Emmen", LocationKind.RECEPTION_CENTRE, "GM0114"),
    ("coa-amsterdam", "coa", "COA azc Amsterdam", LocationKind.RECEPTION_CENTRE, "GM0363"),
    ("coa-rotterdam", "coa", "COA azc Rotterdam", LocationKind.RECEPTION_CENTRE, "GM0599"),
    ("coa-zeist", "coa", "COA azc Zeist", LocationKind.RECEPTION_CENTRE, "GM0355"),
    ("coa-overloon", "coa", "COA azc Overloon", LocationKind.RECEPTION_CENTRE, "GM1982"),
    (
        "coa-beschermde-opvang",
        "coa",
        "COA beschermde opvang Amersfoort",
        LocationKind.PROTECTED_RECEPTION,
        "GM0307",
    ),
    (
        "kmar-schiphol",
        "kmar",
        "KMar Schiphol grensdoorlaatpost",
        LocationKind.BORDER_POST,
        "GM0394",
    ),
    ("ind-ter-apel", "ind", "IND Ter Apel", LocationKind.OFFICE, "GM1950"),
    ("dji-rotterdam", "dji", "Detentiecentrum Rotterdam", LocationKind.DETENTION_CENTRE, "GM0599"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    organisation: str
    role: str
    location: str | None = None


DEMO_USERS: list[DemoUser] = [
    DemoUser("coa.terapel", "coa", Role.FRONTLINE, "coa-ter-apel"),
    DemoUser("coa.coordinator", "coa", Role.COORDINATOR),
    DemoUser("ind.medewerker", "ind", Role.FRONTLINE, "ind-ter-apel"),
    DemoUser("ind.coordinator", "ind", Role.COORDINATOR),
    DemoUser("avim.noord", "avim-noord-nederland", Role.INVESTIGATOR),
    DemoUser("avim.amsterdam", "avim-amsterdam", Role.INVESTIGATOR),
    DemoUser("kmar.schiphol", "kmar", Role.FRONTLINE, "kmar-schiphol"),
    DemoUser("nidos.voogd", "nidos", Role.FRONTLINE),
    DemoUser("emm.analist", "emm", Role.INVESTIGATOR),
    DemoUser("gemeente.westerwolde", "gemeente-westerwolde", Role.MUNICIPAL_ANALYST),
    DemoUser("gemeente.amsterdam", "gemeente-amsterdam", Role.MUNICIPAL_ANALYST),
    DemoUser("rapporteur", "rapporteur", Role.NATIONAL_MONITOR),
    DemoUser("auditor", "rapporteur", Role.AUDITOR),
    DemoUser("beheerder", "rapporteur", Role.ADMINISTRATOR),
    DemoUser("coa.privacy", "coa", Role.PRIVACY_OFFICER),
    # Reporters of the other organisations, so every organisation has signals.
    DemoUser("nla.inspecteur", "nla", Role.INVESTIGATOR),
    DemoUser("dji.medewerker", "dji", Role.FRONTLINE, "dji-rotterdam"),
    DemoUser("dtv.medewerker", "dtv", Role.FRONTLINE),
    DemoUser("comensha.medewerker", "comensha", Role.COORDINATOR),
    DemoUser("gemeente.rotterdam", "gemeente-rotterdam", Role.MUNICIPAL_ANALYST),
    DemoUser("gemeente.utrecht", "gemeente-utrecht", Role.MUNICIPAL_ANALYST),
    # Municipal care coordinators (zorgcoordinatoren) register signals of their residents,
    # so that municipalities are one of the lists the hidden-number estimate compares.
    DemoUser("zorg.westerwolde", "gemeente-westerwolde", Role.FRONTLINE),
    DemoUser("zorg.amsterdam", "gemeente-amsterdam", Role.FRONTLINE),
    DemoUser("zorg.rotterdam", "gemeente-rotterdam", Role.FRONTLINE),
    DemoUser("zorg.utrecht", "gemeente-utrecht", Role.FRONTLINE),
] + [
    DemoUser(f"avim.{slug}", f"avim-{slug}", Role.INVESTIGATOR)
    for slug, _seat in POLICE_UNITS.values()
    if slug not in ("noord-nederland", "amsterdam")
]


def demo_password() -> str:
    """The password of every demo account: from settings, else generated once per install."""
    if settings.DEMO_PASSWORD:
        return str(settings.DEMO_PASSWORD)
    path = settings.VAR_DIR / "demo-password"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("demo-" + secrets.token_urlsafe(9))
    return path.read_text().strip()


@transaction.atomic
def build_world() -> dict[str, Organisation]:
    """Create or update the organisations, locations and demo accounts. Idempotent."""
    municipalities = set(Municipality.objects.values_list("code", flat=True))
    organisations: dict[str, Organisation] = {}
    for code, name, kind, seat in ORGANISATIONS:
        if seat not in municipalities:
            raise ValueError(f"organisation {code}: unknown seat {seat}")
        organisation, _ = Organisation.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "type": kind,
                "municipality_id": seat,
                "police_unit_code": AVIM_UNIT.get(code, ""),
                # Invented contacts on a reserved domain (RFC 2606).
                "contact_name": f"Aandachtsfunctionaris mensenhandel {name}",
                "contact_email": f"mensenhandel@{code}.example",
            },
        )
        organisations[code] = organisation
        OrganisationDefaults.objects.get_or_create(
            organisation=organisation,
            defaults={
                "legal_basis": LegalBasis.objects.get(code=DEFAULT_BASIS.get(kind, "avg-6-1-e"))
            },
        )
    for group_code, (group_name, members) in SHARING_GROUPS.items():
        group, _ = SharingGroup.objects.get_or_create(
            code=group_code, defaults={"name": group_name}
        )
        group.organisations.add(*(organisations[m] for m in members))
    follow_up_rules_seed()
    locations: dict[str, Location] = {}
    for code, organisation_code, name, location_kind, municipality in LOCATIONS:
        location, _ = Location.objects.update_or_create(
            code=code,
            defaults={
                "organisation": organisations[organisation_code],
                "name": name,
                "kind": location_kind,
                "municipality_id": municipality,
            },
        )
        locations[code] = location
    # Every demo account has the same password: hashed once, not once per account (Argon2
    # is slow on purpose, and the set-up must stay quick). Each hash has its own salt in
    # production; sharing one here says only what is printed anyway: the password is one.
    hashed = ""
    created = 0
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            hashed = hashed or make_password(demo_password())
            user = User(username=spec.username, password=hashed)
            user.save()
            created += 1
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[spec.organisation],
            role=spec.role,
            defaults={"location": locations.get(spec.location) if spec.location else None},
        )
    audit_record(
        actor=SYSTEM,
        action=Action.DEMO_LOAD,
        purpose=Purpose.ADMINISTRATION,
        context=CLI,
        object_type="user",
        detail={"organisations": len(organisations), "new_accounts": created},
    )
    return organisations
