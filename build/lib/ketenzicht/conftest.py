"""Fixtures shared by every test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils import translation

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Organisation, OrganisationType, Role


@pytest.fixture
def coa(db: None) -> Organisation:
    return OrganisationFactory(code="coa-test", type=OrganisationType.COA)


@pytest.fixture
def police(db: None) -> Organisation:
    return OrganisationFactory(code="avim-test", type=OrganisationType.AVIM)


@pytest.fixture
def reporter(coa: Organisation) -> Actor:
    return make_actor(Role.FRONTLINE, coa, username="reporter")


@pytest.fixture
def colleague(coa: Organisation) -> Actor:
    return make_actor(Role.COORDINATOR, coa, username="colleague")


@pytest.fixture
def outsider(police: Organisation) -> Actor:
    return make_actor(Role.INVESTIGATOR, police, username="outsider")


@pytest.fixture
def auditor(db: None) -> Actor:
    return make_actor(Role.AUDITOR, OrganisationFactory(code="toezicht"), username="audit1")


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Rate-limit windows and cached fragments belong to one test, as the database does."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def own_checkpoints(settings: Any, tmp_path: Path) -> None:
    """Signed audit checkpoints belong to one test's chain, as the database does."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def english_outside_requests() -> Iterator[None]:
    """Services and selectors speak English in tests; pages pick their own language."""
    with translation.override("en"):
        yield
