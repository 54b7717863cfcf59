"""A small chain for follow-up tests: reporters, the competent bodies and the seeded rules."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import LocationFactory, OrganisationFactory, make_actor
from ketenzicht.accounts.models import Location, LocationKind, Organisation, OrganisationType, Role
from ketenzicht.followup.seed import follow_up_rules_seed

T = OrganisationType


@dataclass
class Chain:
    coa: Organisation
    ter_apel: Location
    avim: Organisation
    nla: Organisation
    emm: Organisation
    kmar: Organisation
    nidos: Organisation
    comensha: Organisation
    ind: Organisation
    coa_frontline: Actor
    coa_coordinator: Actor
    ind_frontline: Actor
    avim_investigator: Actor
    emm_investigator: Actor
    nidos_frontline: Actor
    kmar_frontline: Actor


@pytest.fixture
def chain(db: None) -> Chain:
    coa = OrganisationFactory(code="coa", type=T.COA)
    ter_apel = LocationFactory(
        organisation=coa, code="coa-ter-apel", name="Ter Apel", kind=LocationKind.APPLICATION_CENTRE
    )
    avim = OrganisationFactory(
        code="avim-noord-nederland",
        name="AVIM Noord-Nederland",
        type=T.AVIM,
        police_unit_code="PO1",
    )
    nla = OrganisationFactory(code="nla", name="Arbeidsinspectie", type=T.LABOUR_INSPECTORATE)
    emm = OrganisationFactory(code="emm", name="EMM", type=T.EMM)
    kmar = OrganisationFactory(code="kmar", name="KMar", type=T.KMAR)
    nidos = OrganisationFactory(code="nidos", name="Nidos", type=T.NIDOS)
    comensha = OrganisationFactory(code="comensha", name="CoMensha", type=T.COMENSHA)
    ind = OrganisationFactory(code="ind", name="IND", type=T.IND)
    LocationFactory(
        organisation=kmar,
        code="kmar-schiphol",
        kind=LocationKind.BORDER_POST,
        municipality_id="GM0394",
    )
    follow_up_rules_seed()
    return Chain(
        coa=coa,
        ter_apel=ter_apel,
        avim=avim,
        nla=nla,
        emm=emm,
        kmar=kmar,
        nidos=nidos,
        comensha=comensha,
        ind=ind,
        coa_frontline=make_actor(
            Role.FRONTLINE, coa, username="coa.fl", email="coa.fl@coa.example"
        ),
        coa_coordinator=make_actor(Role.COORDINATOR, coa, username="coa.co"),
        ind_frontline=make_actor(Role.FRONTLINE, ind, username="ind.fl"),
        avim_investigator=make_actor(Role.INVESTIGATOR, avim, username="avim.in"),
        emm_investigator=make_actor(Role.INVESTIGATOR, emm, username="emm.in"),
        nidos_frontline=make_actor(Role.FRONTLINE, nidos, username="nidos.fl"),
        kmar_frontline=make_actor(Role.FRONTLINE, kmar, username="kmar.fl"),
    )
