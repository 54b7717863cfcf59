from __future__ import annotations

from typing import Any

import factory

from ketenzicht.sharing.models import LegalBasis, OrganisationDefaults

from .actor import Actor
from .models import Location, LocationKind, Membership, Organisation, OrganisationType, Role, User
from .selectors import actor_for_user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    type = OrganisationType.COA
    municipality_id = "GM1950"
    contact_name = factory.LazyAttribute(lambda o: f"Contactpersoon {o.code}")

    @factory.post_generation
    def default_legal_basis(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """Like every configured organisation, a default basis for sharing; pass
        ``default_legal_basis=""`` for an organisation without one."""
        code = "avg-6-1-e" if extracted is None else extracted
        if create and code:
            OrganisationDefaults.objects.get_or_create(
                organisation=self, defaults={"legal_basis": LegalBasis.objects.get(code=code)}
            )


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"loc-{n}")
    name = factory.Sequence(lambda n: f"Locatie {n}")
    kind = LocationKind.RECEPTION_CENTRE
    municipality_id = "GM1950"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.FRONTLINE


def make_actor(
    role: str = Role.FRONTLINE, organisation: Organisation | None = None, **user: Any
) -> Actor:
    """A user with one membership, returned as the actor the application would build."""
    membership = MembershipFactory(
        role=role, organisation=organisation or OrganisationFactory(), user=UserFactory(**user)
    )
    return actor_for_user(membership.user)
