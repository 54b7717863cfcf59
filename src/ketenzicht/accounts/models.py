"""Organisations of the chain, their locations, users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    IND = "ind", "IND"
    COA = "coa", "COA"
    AVIM = "avim", _("Police (AVIM)")
    KMAR = "kmar", "KMar"
    DTV = "dtv", "DT&V"
    NIDOS = "nidos", "Nidos"
    DJI = "dji", "DJI"
    EMM = "emm", "EMM"
    COMENSHA = "comensha", "CoMensha"
    LABOUR_INSPECTORATE = "nla", _("Labour Inspectorate")
    MUNICIPALITY = "municipality", _("Municipality")
    RAPPORTEUR = "rapporteur", _("National Rapporteur")


class Role(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline reporter")
    COORDINATOR = "coordinator", _("Coordinator")
    INVESTIGATOR = "investigator", _("Investigator")
    MUNICIPAL_ANALYST = "municipal_analyst", _("Municipal analyst")
    NATIONAL_MONITOR = "national_monitor", _("National monitor")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Organisation(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    # The municipality an organisation is seated in or, for a municipality, the one it is.
    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    # AVIM teams belong to one police regional unit (PO1..PO10).
    police_unit_code = models.CharField(_("police unit"), max_length=4, blank=True)
    # Who partners call about a hit or an attention-list entry (not an individual's account).
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def contact_display(self) -> str:
        parts = [self.contact_name, self.contact_phone, self.contact_email]
        return ", ".join(p for p in parts if p) or self.name


class LocationKind(models.TextChoices):
    RECEPTION_CENTRE = "reception_centre", _("Reception centre")
    PROTECTED_RECEPTION = "protected_reception", _("Protected reception")
    APPLICATION_CENTRE = "application_centre", _("Application centre")
    BORDER_POST = "border_post", _("Border post")
    DETENTION_CENTRE = "detention_centre", _("Detention centre")
    OFFICE = "office", _("Office")


class Location(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=LocationKind.choices)
    municipality = models.ForeignKey(
        "geo.Municipality", on_delete=models.PROTECT, verbose_name=_("municipality")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Access comes from memberships, never from the user row itself."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Default location for signals this member registers."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"
