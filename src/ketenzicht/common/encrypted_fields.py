"""Model fields sealed at rest with ``common.crypto`` (ADR 0021).

They behave as their plain counterparts in Python (forms, serializers, templates see the
plaintext) and hold text in the database. Queries on them are refused, not silently wrong:
a ciphertext never equals another, so ``filter(family_name="x")`` would find nothing. Look
values up through their blind index column instead.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup

from . import crypto


class IsEmpty(Lookup):
    """``field__isempty=True``: the one question a sealed column can answer, since the
    empty string is stored as itself."""

    lookup_name = "isempty"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not isinstance(self.rhs, bool):
            raise ValueError("isempty takes True or False")
        lhs, params = compiler.compile(self.lhs)
        return f"{lhs} {'=' if self.rhs else '<>'} ''", params


class EncryptedMixin:
    """Seal on the way in, open on the way out; the column name is the associated data."""

    def _column_label(self) -> str:
        model = self.model  # type: ignore[attr-defined]
        return f"{model._meta.db_table}.{self.column}"  # type: ignore[attr-defined]

    def get_internal_type(self) -> str:
        return "TextField"  # ciphertext is longer than max_length; max_length checks plaintext

    def _to_text(self, value: Any) -> str:
        return str(value)

    def _from_text(self, text: str) -> Any:
        return text

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        return crypto.seal(self._to_text(value), self._column_label())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self._from_text(crypto.open_sealed(value, self._column_label()))

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "isempty":
            return IsEmpty
        if lookup_name != "isnull":
            raise FieldError(
                f"{self._column_label()} is encrypted: look it up through its blind index, "
                f"not with __{lookup_name}"
            )
        lookup: type[Lookup] | None = super().get_lookup(lookup_name)  # type: ignore[misc]
        return lookup

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self._column_label()} is encrypted: no __{lookup_name}")


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """JSON (lists, objects, numbers) sealed as one text; default ``dict`` or ``list``."""

    _pyi_private_set_type: Any  # what django-stubs lets callers assign and read
    _pyi_private_get_type: Any

    def _to_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def _from_text(self, text: str) -> Any:
        return json.loads(text) if text else None

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return self._to_text(self.value_from_object(obj))


class EncryptedBinaryField(EncryptedMixin, models.TextField):
    """Bytes (an uploaded file while its import runs), sealed as base64 text."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def _to_text(self, value: Any) -> str:
        return bytes_text(bytes(value)) if value else ""

    def _from_text(self, text: str) -> Any:
        return base64.b64decode(text) if text else b""


def bytes_text(raw: bytes) -> str:
    """How an ``EncryptedBinaryField`` writes bytes before sealing them."""
    return base64.b64encode(raw).decode() if raw else ""


class BlindIndexField(models.CharField):
    """The blind index of another field, kept up to date on every save and bulk insert
    (Django asks each field's ``pre_save`` for both)."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any) -> None:
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = crypto.blind_index(self.purpose, str(getattr(model_instance, self.source) or ""))
        setattr(model_instance, self.attname, value)
        return value


class BlindTokensField(models.TextField):
    """Blind indexes of every word of some fields, as " d1 d2 ... ": a record is found by
    any word of its names (``tokens_match``), never by a part of a word."""

    def __init__(
        self, *args: Any, sources: tuple[str, ...] = (), purpose: str = "", **kwargs: Any
    ) -> None:
        self.sources, self.purpose = tuple(sources), purpose
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(sources=list(self.sources), purpose=self.purpose)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = tokens_text(self.purpose, [getattr(model_instance, s) for s in self.sources])
        setattr(model_instance, self.attname, value)
        return value


def tokens_text(purpose: str, values: list[Any]) -> str:
    """What a ``BlindTokensField`` stores for these values (strings or lists of them)."""
    words: list[str] = []
    for value in values:
        words.extend(value if isinstance(value, list) else [str(value or "")])
    digests = sorted(crypto.blind_tokens(purpose, *words))
    return f" {' '.join(digests)} " if digests else ""


def tokens_match(field: str, purpose: str, text: str) -> models.Q:
    """Records whose ``field`` (a ``BlindTokensField``) holds every word of ``text``."""
    digests = crypto.blind_tokens(purpose, text)
    if not digests:
        return models.Q(pk__in=[])
    query = models.Q()
    for digest in digests:
        query &= models.Q(**{f"{field}__contains": f" {digest} "})
    return query
