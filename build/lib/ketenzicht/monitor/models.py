"""The monitor's published tables: pre-aggregated in the worker and protected against
disclosure before they are stored, so pages and exports only read fixed, safe tables."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedTable(models.Model):
    """One fixed table for one area: the nation (``NL``), a police unit (``PO1``), a province
    (``PV20``) or a municipality (``GM0014``). ``data`` holds row and column codes, the
    protected cells and totals (``null`` where suppressed) and which suppressed values are
    small (shown as "<10") rather than hidden to protect another (shown as "x")."""

    scope = models.CharField(max_length=8)
    key = models.CharField(max_length=40)
    data = models.JSONField()
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="published_table")]


class SelfAssessment(models.Model):
    """A municipality's yearly answers on its own view of human trafficking, in the shape of
    the WODC survey of municipalities, so national figures can be compared with it and set
    beside what the chain registered (the blind-spot indicator)."""

    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        related_name="self_assessments",
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    insight_presence = models.BooleanField(
        _("Does the municipality have insight into the presence of human trafficking?")
    )
    insight_scale = models.BooleanField(
        _("Does the municipality have insight into the scale of human trafficking?")
    )
    met_recently = models.BooleanField(
        _("Has the municipality met human trafficking in recent years?")
    )
    priority = models.PositiveSmallIntegerField(
        _("What priority does human trafficking have in the municipality?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 is very low, 5 very high."),
    )
    policy_adopted = models.BooleanField(_("Has the municipality adopted a policy on it?"))
    signal_point = models.BooleanField(
        _("Is there a designated point where signals can be reported?")
    )
    care_coordinator = models.BooleanField(
        _("Is there a coordinator for the care of victims (zorgcoördinator)?")
    )
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="self_assessment_year"),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5),
                name="self_assessment_priority",
            ),
        ]

    QUESTIONS = (
        "insight_presence",
        "insight_scale",
        "met_recently",
        "policy_adopted",
        "signal_point",
        "care_coordinator",
    )
