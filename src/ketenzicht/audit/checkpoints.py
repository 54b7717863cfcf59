"""Signed checkpoints of the audit chain: "the chain had N events and ended in hash H",
signed with Ed25519 and written out as files that can be sent off the machine.

The hash chain shows that no event in it was changed; it cannot show that the whole chain
was not rewritten, or its tail cut off and the head wound back, by someone with the
database in hand. A checkpoint held elsewhere can: the verifier recomputes the chain and
checks that it passes through every checkpoint's hash at that checkpoint's size.

The files are C2SP signed notes (c2sp.org/signed-note) in the shape of a C2SP checkpoint
(c2sp.org/tlog-checkpoint): origin, size, base64 hash, a blank line, a signature line. The
"root" is the chain hash at that size, not a Merkle tree root (ADR 0016).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .models import AuditChainHead
from .services import audit_chain_link_pending

ED25519 = b"\x01"  # the signed-note signature type of plain Ed25519
FILE_PATTERN = re.compile(r"checkpoint-(\d{12})\.txt")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: str  # hex chain hash after event ``size``
    path: Path | None = None


@dataclass(frozen=True)
class VerifierKey:
    """A public key with its name, as C2SP writes it: ``name+keyid+base64(type||key)``."""

    name: str
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + ED25519 + self.raw).digest()[:4]

    def __str__(self) -> str:
        encoded = base64.b64encode(ED25519 + self.raw).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        try:
            # Key names hold no "+" (base64 does): split from the left, as C2SP does.
            name, key_id, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
            if raw[:1] != ED25519 or len(raw) != 33:
                raise ValueError("not an Ed25519 verifier key")
            verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        except ValueError as exc:
            raise ValueError(f"unreadable verifier key: {exc}") from exc
        if verifier.key_id.hex() != key_id:
            raise ValueError("unreadable verifier key: the key id does not match the key")
        return verifier


def signing_key() -> Ed25519PrivateKey:
    """The log's private key, created on first use (mode 0600) unless one is configured."""
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def own_verifier_key() -> VerifierKey:
    return VerifierKey(settings.AUDIT_LOG_ORIGIN, signing_key().public_key())


def note_text(checkpoint: Checkpoint) -> str:
    root = base64.b64encode(bytes.fromhex(checkpoint.root)).decode()
    return f"{checkpoint.origin}\n{checkpoint.size}\n{root}\n"


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> str:
    text = note_text(checkpoint)
    verifier = VerifierKey(checkpoint.origin, key.public_key())
    signature = base64.b64encode(verifier.key_id + key.sign(text.encode())).decode()
    return f"{text}\n\u2014 {verifier.name} {signature}\n"


def parse(note: str, verifier: VerifierKey) -> Checkpoint:
    """The checkpoint in a signed note, or ValueError when the note is malformed or no
    signature of ``verifier`` verifies (a note is ignored unless it does)."""
    if any(c < " " and c != "\n" for c in note) or not note.endswith("\n"):
        raise ValueError("not a signed note")  # no control characters but newlines
    text, separator, signatures = note.partition("\n\n")
    if not separator or not text:
        raise ValueError("not a signed note")
    text += "\n"
    verified = False
    for line in signatures[:-1].split("\n"):
        match = re.fullmatch("\u2014 (\\S+) ([A-Za-z0-9+/=]+)", line)
        if not match:
            raise ValueError("malformed signature line")
        blob = _strict_b64(match.group(2))
        if match.group(1) != verifier.name or blob[:4] != verifier.key_id:
            continue  # another key's signature (a witness): not ours to check
        try:
            verifier.key.verify(blob[4:], text.encode())
        except InvalidSignature as exc:
            raise ValueError("the signature does not verify") from exc
        verified = True
    if not verified:
        raise ValueError("not signed by the verifier key")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[1].isdigit():
        raise ValueError("not a checkpoint")
    root = _strict_b64(lines[2])
    if len(root) != 32:
        raise ValueError("not a checkpoint")
    return Checkpoint(lines[0], int(lines[1]), root.hex())


def _strict_b64(text: str) -> bytes:
    """Base64 in its one canonical spelling: Python ignores stray bits in the last
    character, which would let the same checkpoint be written several ways."""
    decoded = base64.b64decode(text, validate=True)
    if base64.b64encode(decoded).decode() != text:
        raise ValueError("not canonical base64")
    return decoded


def checkpoint_write(directory: Path | None = None) -> Checkpoint | None:
    """Sign the chain's head as it stands and write it out; None when no event was linked
    since the last checkpoint. The worker calls this every few minutes."""
    directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or head.seq == 0:
        return None
    path = directory / f"checkpoint-{head.seq:012d}.txt"
    if path.exists():
        return None
    directory.mkdir(parents=True, exist_ok=True)
    checkpoint = Checkpoint(settings.AUDIT_LOG_ORIGIN, head.seq, head.hash, path)
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(sign(checkpoint, signing_key()))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)  # a crash leaves no half-written checkpoint
    return checkpoint


def checkpoint_every(events: int) -> Checkpoint | None:
    """Link pending events, and sign the head when the chain grew past a multiple of
    ``events``: a burst (an import, a purge) is covered once it is linked, not minutes
    later (ADR 0024). The worker calls this as its linker."""
    before = _head_seq()
    if not audit_chain_link_pending():
        return None
    after = _head_seq()
    if events <= 0 or after // events == before // events:  # 0: by time and on stopping only
        return None
    return checkpoint_write()


def _head_seq() -> int:
    return AuditChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0


def checkpoints_read(directory: Path, verifier: VerifierKey) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in ``directory`` that verify, and a problem for each that does not
    (a forged or altered checkpoint is itself evidence of tampering)."""
    found, problems = [], []
    for path in sorted(directory.glob("checkpoint-*.txt")):
        if not FILE_PATTERN.fullmatch(path.name):
            continue
        try:
            checkpoint = parse(path.read_text(encoding="utf-8"), verifier)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"checkpoint {path.name}: {exc}")
            continue
        if checkpoint.origin != verifier.name:
            problems.append(f"checkpoint {path.name}: of another log ({checkpoint.origin})")
            continue
        found.append(Checkpoint(checkpoint.origin, checkpoint.size, checkpoint.root, path))
    return found, problems
