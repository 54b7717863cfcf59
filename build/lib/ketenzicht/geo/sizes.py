"""Size classes of municipalities by number of inhabitants, for comparing a municipality
with others of its size (as CBS groups municipalities; fewer classes, so that each holds
enough municipalities for its figures to be published)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# (code, from, below): a municipality is in the class when from <= inhabitants < below.
SIZE_CLASSES: list[tuple[str, int, int | None]] = [
    ("GK1", 0, 20_000),
    ("GK2", 20_000, 50_000),
    ("GK3", 50_000, 100_000),
    ("GK4", 100_000, 250_000),
    ("GK5", 250_000, None),
]

LABELS: dict[str, Promise] = {
    "GK1": _("municipalities with fewer than 20,000 inhabitants"),
    "GK2": _("municipalities with 20,000 to 50,000 inhabitants"),
    "GK3": _("municipalities with 50,000 to 100,000 inhabitants"),
    "GK4": _("municipalities with 100,000 to 250,000 inhabitants"),
    "GK5": _("municipalities with 250,000 inhabitants or more"),
}


def size_class(population: int | None) -> str | None:
    if population is None:
        return None
    return next(
        code
        for code, low, high in SIZE_CLASSES
        if population >= low and (high is None or population < high)
    )
