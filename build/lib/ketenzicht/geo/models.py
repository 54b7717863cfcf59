"""Reference geography: the municipalities of 2025 with their province and police unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    code = models.CharField(_("CBS code"), max_length=6, primary_key=True)  # e.g. GM1950
    name = models.CharField(_("name"), max_length=100)
    province_code = models.CharField(max_length=4)
    province_name = models.CharField(_("province"), max_length=100)
    police_unit_code = models.CharField(max_length=4)
    police_unit_name = models.CharField(_("police unit"), max_length=100)
    safety_region_code = models.CharField(max_length=4)
    safety_region_name = models.CharField(max_length=100)
    # Inhabitants, for comparing municipalities of the same size: not shipped (no source
    # with a clear licence could be reached); loaded by ``ketenzicht population``.
    population = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    population_date = models.DateField(_("inhabitants on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
