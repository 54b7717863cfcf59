from __future__ import annotations

from django.db.models import QuerySet

from .actor import Actor
from .models import Location, Membership, Organisation, User


def actor_for_user(user: User) -> Actor:
    """The actor a user acts as: their organisation and roles there.

    A user belongs to one organisation (memberships may hold several roles there). Users
    without a membership get an actor without organisation and roles, which sees nothing.
    """
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation", "location")
        .order_by("id")
    )
    if not memberships:
        return Actor(user.pk, user.get_username(), None, "", frozenset())
    organisation = memberships[0].organisation
    mine = [m for m in memberships if m.organisation_id == organisation.pk]
    location = next((m.location for m in mine if m.location_id), None)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        organisation_id=organisation.pk,
        organisation_code=organisation.code,
        roles=frozenset(m.role for m in mine),
        location_id=location.pk if location else None,
        municipality_code=(location.municipality_id if location else organisation.municipality_id),
        organisation_name=organisation.name,
    )


def location_list(*, organisation_id: int | None = None) -> QuerySet[Location]:
    qs = Location.objects.select_related("municipality", "organisation")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.all()
