"""Model fields sealed at rest with ``common.crypto`` (ADR 0021).

They behave as their plain counterparts in Python (forms, serializers, templates see the
plaintext) and hold text in the database. Queries on them are refused, not silently wrong:
a ciphertext never equals another, so ``filter(family_name="x")`` would find nothing. Look
values up through their blind index column instead.

Every value is bound to its row (``table.column.<row key>``): a ciphertext copied into
another row does not open. The row key is a UUID that exists before the row is inserted, so
``save``, ``bulk_create`` and COPY seal in one pass: the primary key where it is such a UUID,
else the model's ``seal_key`` column. Sealing after the database assigned an integer key
would need a second write per row, which ``bulk_create`` and COPY do not make.

So a value is sealed in ``pre_save`` (which knows the row) and opened when the attribute is
first read (the descriptor knows the row; ``from_db_value`` does not). ``values()`` and
``values_list()`` give ``Sealed`` values: open them with ``open_value`` and the row key.
A value that does not open (moved, damaged, unknown key) is logged and reads as empty
(``Unreadable``: pages show a marker, never ciphertext, and no error page); saving the row
writes the stored ciphertext back unchanged, never the empty value, so nothing is lost.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist, FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import Lookup
from django.utils.html import format_html
from django.utils.translation import gettext

from . import crypto

log = logging.getLogger(__name__)

SEAL_KEY = "seal_key"


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


class Sealed:
    """A stored value not opened yet: what the database gave, and the field that opens it."""

    __slots__ = ("field", "stored")

    def __init__(self, stored: str, field: EncryptedMixin) -> None:
        self.stored, self.field = stored, field

    def __repr__(self) -> str:
        return f"<Sealed {self.field.column_label()}>"


class _Unreadable:
    """Mixin of the empty values a field reads as when its value does not open; ``stored``
    is written back on save, so the evidence stays as it was."""

    stored: str

    def __html__(self) -> str:
        return str(format_html('<span class="kz-unreadable">{}</span>', gettext("[unreadable]")))


class UnreadableText(_Unreadable, str):
    pass


class UnreadableList(_Unreadable, list[Any]):
    pass


class UnreadableDict(_Unreadable, dict[str, Any]):
    pass


class UnreadableBytes(_Unreadable, bytes):
    pass


class _Prepared(str):
    """Ciphertext that ``pre_save`` made for its row, passed through ``get_db_prep_value``."""


@cache
def row_key_field(model: type[models.Model]) -> models.Field[Any, Any]:
    """The UUID a model's sealed values are bound to: ``seal_key`` if it has one, else its
    primary key, which must then be a UUID known before insert (with a default, or the key
    of a related row)."""
    opts = model._meta
    field: Any
    try:
        field = opts.get_field(SEAL_KEY)
    except FieldDoesNotExist:
        field = opts.pk
    target = field.target_field if field.is_relation else field
    if not isinstance(target, models.UUIDField) or not (field.is_relation or field.has_default()):
        raise ImproperlyConfigured(
            f"{opts.label} has sealed fields: give it a UUID primary key with a default "
            f"or a {SEAL_KEY} column (ADR 0021)"
        )
    return field  # type: ignore[no-any-return]


def seal_key_column() -> models.UUIDField[Any, Any]:
    """The ``seal_key`` column of a model whose primary key the database assigns on insert:
    a UUID made with the row, so its sealed values are bound before the row exists."""
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


def row_key_text(value: Any) -> str:
    """A row key as bound into the associated data, however the driver returned it."""
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).hex


def open_value(value: Any, row_key: Any) -> Any:
    """The plaintext of a ``values()``/``values_list()`` value, given its row's key."""
    if isinstance(value, Sealed):
        return value.field.open_for(value.stored, row_key)
    return value


class SealedAttribute:
    """The model attribute of a sealed field: opens the stored value on first read, with
    the row's key, and keeps the plaintext on the instance."""

    def __init__(self, field: EncryptedMixin) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: Any) -> Any:
        if instance is None:
            return self
        name = self.field.attname  # type: ignore[attr-defined]
        data = instance.__dict__
        if name not in data:  # deferred: load it, as Django's DeferredAttribute does
            instance.refresh_from_db(fields=[name])
        value = data[name]
        if isinstance(value, Sealed):
            key = getattr(instance, self.field.row_key_attname())
            value = data[name] = self.field.open_for(value.stored, key)
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value  # type: ignore[attr-defined]


class EncryptedMixin:
    """Seal on the way in, open on the way out; the column and the row's key are the
    associated data."""

    descriptor_class: Any = SealedAttribute

    def column_label(self) -> str:
        model = self.model  # type: ignore[attr-defined]
        return f"{model._meta.db_table}.{self.column}"  # type: ignore[attr-defined]

    def row_key_attname(self) -> str:
        return str(row_key_field(self.model).attname)  # type: ignore[attr-defined]

    def get_internal_type(self) -> str:
        return "TextField"  # ciphertext is longer than max_length; max_length checks plaintext

    def _to_text(self, value: Any) -> str:
        return str(value)

    def _from_text(self, text: str) -> Any:
        return text

    def _unreadable(self, stored: str) -> Any:
        value = UnreadableText("")
        value.stored = stored
        return value

    def open_for(self, stored: str, row_key: Any) -> Any:
        if stored is None:
            return None
        try:
            return self._from_text(
                crypto.open_sealed(stored, self.column_label(), row_key_text(row_key))
            )
        except (crypto.FieldDecryptError, ValueError) as exc:
            # Moved, damaged or sealed under a key no longer in the ring: never shown, never
            # a server error on a list; the log names the row (a UUID), not the content.
            log.error(
                "sealed value does not open: %s row %s (%s)",
                self.column_label(),
                row_key,
                type(exc.__cause__ or exc).__name__,
            )
            return self._unreadable(stored)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # type: ignore[attr-defined]
        if value is None:
            return None
        if isinstance(value, _Unreadable):
            return _Prepared(value.stored)
        text = self._to_text(value)
        if text == "":
            return _Prepared("")
        key = getattr(model_instance, self.row_key_attname())
        if key is None:
            raise FieldError(f"{self.column_label()}: the row has no key to seal with yet")
        return _Prepared(crypto.seal(text, self.column_label(), row_key_text(key)))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None or isinstance(value, _Prepared):
            return None if value is None else str(value)
        if self._to_text(value) == "":
            return ""  # an empty value is stored as itself; no row needed (the purge's update)
        raise FieldError(
            f"{self.column_label()} is sealed for its row: write it through save(), "
            "bulk_create or COPY with pre_save, not update() or bulk_update()"
        )

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self._from_text("") if value == "" else None
        return Sealed(value, self)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name == "isempty":
            return IsEmpty
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.column_label()} is encrypted: look it up through its blind index, "
                f"not with __{lookup_name}"
            )
        lookup: type[Lookup] | None = super().get_lookup(lookup_name)  # type: ignore[misc]
        return lookup

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.column_label()} is encrypted: no __{lookup_name}")


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

    def _unreadable(self, stored: str) -> Any:
        value: UnreadableList | UnreadableDict = (
            UnreadableList() if self.default is list else UnreadableDict()
        )
        value.stored = stored
        return value

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

    def _unreadable(self, stored: str) -> Any:
        value = UnreadableBytes()
        value.stored = stored
        return value


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
        source = getattr(model_instance, self.source)
        if isinstance(source, _Unreadable):  # keep the digest of what is still stored
            return str(getattr(model_instance, self.attname))
        value = crypto.blind_index(self.purpose, str(source or ""))
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
        sources = [getattr(model_instance, s) for s in self.sources]
        if any(isinstance(s, _Unreadable) for s in sources):  # keep what is still stored
            return str(getattr(model_instance, self.attname))
        value = tokens_text(self.purpose, sources)
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
