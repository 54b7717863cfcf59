"""Versioned vocabularies: indicators, exploitation types, methods of control."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualLabel(models.Model):
    label_nl = models.CharField(_("label (Dutch)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "nl").startswith("en") else self.label_nl


class CatalogueVersion(models.Model):
    """A published version of the indicator catalogue. Codes are stable across versions."""

    version = models.CharField(max_length=20, unique=True)
    published_on = models.DateField()
    source = models.TextField(blank=True)
    is_current = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_catalogue",
            )
        ]

    def __str__(self) -> str:
        return self.version


class IndicatorList(models.TextChoices):
    ADULT_LABOUR = "adult_labour", _("Adults, labour exploitation")
    CHILD_LABOUR = "child_labour", _("Children, labour exploitation")
    ADULT_SEXUAL = "adult_sexual", _("Adults, sexual exploitation")
    CHILD_SEXUAL = "child_sexual", _("Children, sexual exploitation")


class Element(models.TextChoices):
    """The six ILO/EU elements, in the order the brochure gives them."""

    DECEPTIVE_RECRUITMENT = "deceptive_recruitment", _("Deceptive recruitment")
    COERCIVE_RECRUITMENT = "coercive_recruitment", _("Coercive recruitment")
    RECRUITMENT_ABUSE_OF_VULNERABILITY = (
        "recruitment_abuse_of_vulnerability",
        _("Recruitment by abuse of vulnerability"),
    )
    EXPLOITATIVE_CONDITIONS = "exploitative_conditions", _("Exploitative conditions of work")
    COERCION_AT_DESTINATION = "coercion_at_destination", _("Coercion at destination")
    ABUSE_OF_VULNERABILITY_AT_DESTINATION = (
        "abuse_of_vulnerability_at_destination",
        _("Abuse of vulnerability at destination"),
    )


class AgeGroup(models.TextChoices):
    """Which half of the catalogue applies: the ILO lists are per adults and children."""

    ADULT = "adult", _("adults")
    CHILD = "child", _("children (under 18)")


class Strength(models.TextChoices):
    STRONG = "strong", _("strong")
    MEDIUM = "medium", _("medium")
    WEAK = "weak", _("weak")


class Indicator(BilingualLabel):
    code = models.CharField(_("code"), max_length=20, unique=True)  # e.g. AL-DR-S01
    list = models.CharField(max_length=20, choices=IndicatorList.choices)
    element = models.CharField(_("element"), max_length=50, choices=Element.choices)
    strength = models.CharField(_("strength"), max_length=10, choices=Strength.choices)
    introduced_in = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="+")
    retired_in = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Words a frontline worker may type for it, Dutch and English ("paspoort", "uren"),
    # separated by semicolons; the indicator search matches them as well as the labels.
    search_terms = models.TextField(_("search words"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    @property
    def age_group(self) -> str:
        return AgeGroup.CHILD if self.list.startswith("child") else AgeGroup.ADULT


class ExploitationType(BilingualLabel):
    code = models.CharField(max_length=20, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("exploitation type")
        verbose_name_plural = _("exploitation types")


class ControlMethod(BilingualLabel):
    """IOM HTCDS MethodsOfControl."""

    code = models.CharField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("method of control")
        verbose_name_plural = _("methods of control")
