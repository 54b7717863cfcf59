"""Verify the audit trail end to end: the hash chain, its sequence, and its checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field

from .chain import FIELDS, GENESIS, canonical_values, link_hash
from .checkpoints import Checkpoint
from .models import AuditChainHead, AuditChainLink, AuditEvent


@dataclass
class VerifyReport:
    checked: int = 0
    unlinked: int = 0
    checkpoints: int = 0  # checkpoints the chain was checked against
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def audit_chain_verify(
    *, checkpoints: list[Checkpoint] | None = None, max_problems: int = 20
) -> VerifyReport:
    """Recompute every link: sequence without gaps, each hash over its predecessor and
    event, the head at the last link, and the chain's hash at each checkpoint's size equal
    to the signed one (which catches a rewritten chain and a cut-off tail with a wound-back
    head). Checkpoints must have been read with their signatures checked."""
    report = VerifyReport()
    expected = {c.size: c for c in checkpoints or []}
    report.checkpoints = len(expected)
    expected_seq, prev = 1, GENESIS
    rows = (
        AuditChainLink.objects.order_by("seq")
        .values_list("seq", "prev_hash", "hash", *(f"event__{name}" for name in FIELDS))
        .iterator(chunk_size=10_000)
    )
    for seq, prev_hash, digest, *event in rows:
        report.checked += 1
        if seq != expected_seq:
            report.problems.append(f"gap: expected seq {expected_seq}, found {seq}")
            expected_seq = seq
        if prev_hash != prev:
            report.problems.append(f"seq {seq}: previous hash does not match")
        if link_hash(prev_hash, canonical_values(tuple(event))) != digest:
            report.problems.append(f"seq {seq}: event {event[0]} was altered")
        if seq in expected and expected[seq].root != digest:
            report.problems.append(f"seq {seq}: differs from the signed checkpoint of size {seq}")
        prev = digest
        expected_seq += 1
        if len(report.problems) >= max_problems:
            return report
    last = expected_seq - 1
    beyond = [size for size in expected if size > last]
    if beyond:
        report.problems.append(
            f"the chain ends at seq {last} but a signed checkpoint has size {max(beyond)}: "
            "events were removed"
        )
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != last or head_hash != prev:
        report.problems.append(f"chain head at seq {head_seq} but the links end at seq {last}")
    report.unlinked = AuditEvent.objects.filter(link__isnull=True).count()
    return report
