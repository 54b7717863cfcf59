"""Verify the audit hash chain end to end."""

from __future__ import annotations

from dataclasses import dataclass, field

from .chain import GENESIS, chain_hash
from .models import AuditChainHead, AuditChainLink, AuditEvent


@dataclass
class VerifyReport:
    checked: int = 0
    unlinked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def audit_chain_verify(*, max_problems: int = 20) -> VerifyReport:
    """Recompute every link: sequence without gaps, each hash over its predecessor and event.

    Also checks the head matches the last link, which catches a cut-off tail.
    """
    report = VerifyReport()
    expected_seq, prev = 1, GENESIS
    links = AuditChainLink.objects.select_related("event").order_by("seq").iterator(chunk_size=5000)
    for link in links:
        report.checked += 1
        if link.seq != expected_seq:
            report.problems.append(f"gap: expected seq {expected_seq}, found {link.seq}")
            expected_seq = link.seq
        if link.prev_hash != prev:
            report.problems.append(f"seq {link.seq}: previous hash does not match")
        if chain_hash(link.prev_hash, link.event) != link.hash:
            report.problems.append(f"seq {link.seq}: event {link.event_id} was altered")
        prev = link.hash
        expected_seq += 1
        if len(report.problems) >= max_problems:
            return report
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != prev:
        report.problems.append(
            f"chain head at seq {head_seq} but the links end at seq {expected_seq - 1}"
        )
    report.unlinked = AuditEvent.objects.filter(link__isnull=True).count()
    return report
