"""Signed checkpoints: the signed-note format, and that every kind of tampering with the
trail is caught once a checkpoint covers it, including the ones a hash chain alone cannot
see (a rewritten chain, a cut-off tail with the head wound back)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management import call_command

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ketenzicht.audit.chain import GENESIS, chain_hash
from ketenzicht.audit.checkpoints import (
    Checkpoint,
    VerifierKey,
    checkpoint_write,
    checkpoints_read,
    own_verifier_key,
    parse,
    sign,
)
from ketenzicht.audit.models import AuditChainHead, AuditChainLink, AuditEvent
from ketenzicht.audit.services import audit_chain_link_pending
from ketenzicht.audit.verify import audit_chain_verify

from .test_chain import _drop_guards, _events

pytestmark = pytest.mark.django_db

KEY = Ed25519PrivateKey.generate()
VERIFIER = VerifierKey("ketenzicht.test/audit", KEY.public_key())
roots = st.binary(min_size=32, max_size=32).map(bytes.hex)
origins = st.from_regex(r"[a-z0-9.]{1,20}/[a-z0-9]{1,10}", fullmatch=True)


@given(origin=origins, size=st.integers(min_value=1, max_value=10**12), root=roots)
def test_a_signed_checkpoint_reads_back_with_its_key_only(
    origin: str, size: int, root: str
) -> None:
    note = sign(Checkpoint(origin, size, root), KEY)
    assert parse(note, VerifierKey(origin, KEY.public_key())) == Checkpoint(origin, size, root)
    other = VerifierKey(origin, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ValueError, match="not signed by the verifier key"):
        parse(note, other)


@given(
    root=roots,
    data=st.data(),
    replacement=st.characters(codec="utf-8", exclude_characters="\r"),
)
def test_any_changed_character_makes_a_checkpoint_unreadable(
    root: str, data: st.DataObject, replacement: str
) -> None:
    note = sign(Checkpoint(VERIFIER.name, 1234, root), KEY)
    position = data.draw(st.integers(min_value=0, max_value=len(note) - 1))
    changed = note[:position] + replacement + note[position + 1 :]
    if changed == note:
        return
    with pytest.raises(ValueError, match=r"."):  # any reason: none may read as valid
        parse(changed, VERIFIER)


def test_verifier_keys_print_and_parse_as_c2sp_writes_them() -> None:
    text = str(VERIFIER)
    name, key_id, encoded = text.split("+", 2)
    assert name == "ketenzicht.test/audit" and len(key_id) == 8 and len(encoded) == 44
    assert str(VerifierKey.parse(text)) == text
    other = str(VerifierKey(VERIFIER.name, Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(ValueError, match="key id"):
        VerifierKey.parse(f"{name}+{key_id}+{other.split('+', 2)[2]}")


def _rewind_head(seq: int) -> None:
    link = AuditChainLink.objects.filter(seq=seq).first()
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=link.hash if link else GENESIS)


def _relink_from(seq: int) -> None:
    """What an attacker with the database in hand does after changing an event: recompute
    the chain from there on, so that it verifies on its own again."""
    previous = AuditChainLink.objects.filter(seq=seq - 1).first()
    prev = previous.hash if previous else GENESIS
    for link in AuditChainLink.objects.filter(seq__gte=seq).order_by("seq").select_related("event"):
        link.prev_hash, link.hash = prev, chain_hash(prev, link.event)
        link.save(update_fields=["prev_hash", "hash"])
        prev = link.hash
    AuditChainHead.objects.filter(id=1).update(hash=prev)


TAMPERS = ("edit", "delete", "swap", "cut_tail", "rewrite")


def _tamper(kind: str, seqs: list[int], data: st.DataObject) -> None:
    _drop_guards()
    links = {link.seq: link for link in AuditChainLink.objects.all()}
    seq = data.draw(st.sampled_from(seqs), label="seq")
    event = AuditEvent.objects.filter(pk=links[seq].event_id)
    if kind == "edit":
        event.update(explanation="covering my tracks")
    elif kind == "delete":
        AuditChainLink.objects.filter(seq=seq).delete()
        event.delete()
    elif kind == "swap":  # two events' places in the chain exchanged
        other = data.draw(st.sampled_from([s for s in seqs if s != seq]), label="other")
        a, b = AuditEvent.objects.get(pk=links[seq].event_id), links[other].event
        fields = ("actor", "action", "object_ref", "purpose", "occurred_at")
        event.update(**{f: getattr(b, f) for f in fields})
        AuditEvent.objects.filter(pk=b.pk).update(**{f: getattr(a, f) for f in fields})
    elif kind == "cut_tail":  # the last events removed and the head wound back
        AuditChainLink.objects.filter(seq__gte=seq).delete()
        AuditEvent.objects.filter(pk__in=[links[s].event_id for s in seqs if s >= seq]).delete()
        _rewind_head(seq - 1)
    elif kind == "rewrite":
        event.update(purpose="follow_up")
        _relink_from(seq)


class TamperingWithCheckpointsTest(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        size=st.integers(min_value=2, max_value=10), kind=st.sampled_from(TAMPERS), data=st.data()
    )
    def test_every_tamper_is_caught_once_a_checkpoint_covers_it(
        self, size: int, kind: str, data: st.DataObject
    ) -> None:
        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        _events(size)
        audit_chain_link_pending()
        checkpoint_write(tmp)
        checkpoints, problems = checkpoints_read(tmp, own_verifier_key())
        assert len(checkpoints) == 1 and not problems
        assert audit_chain_verify(checkpoints=checkpoints).intact
        _tamper(kind, list(range(1, size + 1)), data)
        report = audit_chain_verify(checkpoints=checkpoints)
        assert not report.intact, kind
        if kind in ("cut_tail", "rewrite"):
            # What the checkpoint adds: the chain alone verifies after these.
            assert audit_chain_verify().intact


def test_checkpoints_are_written_only_for_new_events(tmp_path: Path) -> None:
    assert checkpoint_write(tmp_path) is None  # nothing linked yet
    _events(3)
    audit_chain_link_pending()
    first = checkpoint_write(tmp_path)
    assert first is not None and first.size == 3
    assert checkpoint_write(tmp_path) is None
    _events(2)
    audit_chain_link_pending()
    second = checkpoint_write(tmp_path)
    assert second is not None and second.size == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "checkpoint-000000000003.txt",
        "checkpoint-000000000005.txt",
    ]
    text = (tmp_path / "checkpoint-000000000005.txt").read_text()
    origin, size, _root, blank, signature = text.splitlines()
    assert (origin, size, blank) == ("ketenzicht.local/audit", "5", "")
    assert signature.startswith("\u2014 ketenzicht.local/audit ")


def test_verify_command_checks_an_off_machine_copy_of_the_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _events(4)
    call_command("audit", "checkpoint")
    assert "signed checkpoint at size 4" in capsys.readouterr().out
    call_command("audit", "verifier-key")
    key_file = tmp_path / "verifier.key"
    key_file.write_text(capsys.readouterr().out)
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in Path(own_checkpoint_dir()).iterdir():
        (copy / path.name).write_text(path.read_text())
    call_command("audit", "verify", "--checkpoints", str(copy), "--verifier-key", f"@{key_file}")
    assert "against 1 signed checkpoint(s)" in capsys.readouterr().out
    # A checkpoint forged with another key is reported, not trusted.
    forged = sign(Checkpoint("ketenzicht.local/audit", 4, "ab" * 32), Ed25519PrivateKey.generate())
    (copy / "checkpoint-000000000004.txt").write_text(forged)
    with pytest.raises(SystemExit) as caught:
        call_command(
            "audit", "verify", "--checkpoints", str(copy), "--verifier-key", f"@{key_file}"
        )
    assert caught.value.code == 1
    assert "not signed by the verifier key" in capsys.readouterr().err


def own_checkpoint_dir() -> str:
    from django.conf import settings as django_settings

    return str(django_settings.AUDIT_CHECKPOINT_DIR)
