"""Organisations of the chain, their locations, users and their roles."""

from __future__ import annotations

import re

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_otp.models import Device, ThrottlingMixin


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
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


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


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp is untyped
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


class BackupCodes(ThrottlingMixin, Device):
    """One-time backup codes as a django-otp device, for when the phone or key is lost.

    django-otp's own static device stores its codes as given; these are kept only as salted
    password hashes (ASVS 6.5.2: a code has 50 bits, under the 112 that would allow a plain
    hash), and each works once.
    """

    class Meta(Device.Meta):
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        token = normalise_backup_code(token)
        if not BACKUP_CODE_SHAPE.fullmatch(token):
            return False  # an authenticator code: not worth a hash per code
        allowed, _detail = self.verify_is_allowed()
        if not allowed:
            return False
        for code in self.codes.filter(used_at__isnull=True):
            if check_password(token, code.hash):
                code.used_at = timezone.now()
                code.save(update_fields=["used_at"])
                self.throttle_reset()
                return True
        self.throttle_increment()
        return False

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodes, on_delete=models.CASCADE, related_name="codes")
    hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)


BACKUP_CODE_SHAPE = re.compile(r"[a-z2-7]{10}")


def normalise_backup_code(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum())


class OidcIdentity(models.Model):
    """Who a single sign-on user is at their identity provider: issuer and subject, stable
    where names and e-mail addresses are not."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="oidc_identity")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]
