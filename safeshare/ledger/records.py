"""Records elsewhere that name a ledger entry as their receipt, checked against it.

The hash chain (``verify.verify_chain``) proves the ledger itself is unaltered;
it cannot see a row in another table changed behind the application's back,
such as a share's recipient moved to another agency. Apps whose records carry
a receipt (an entry's ``seq`` and ``hash``) each write a check, and
``safeshare ledger verify --records`` runs them after the chain (issue #6 item
6). The ledger imports no domain app (STYLE §1), so it runs the checks it is
given; the list is written once in ``casework.integrity``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class RecordProblem:
    """One record that disagrees with its ledger entry (or has none)."""

    record: str  # e.g. "share 6f1c..." — a reference, never personal data
    seq: int | None
    reason: str

    def __str__(self) -> str:
        entry = f"ledger entry {self.seq}" if self.seq is not None else "the ledger"
        return f"{self.record} disagrees with {entry}: {self.reason}"


@dataclass
class RecordReport:
    """What one check found: how many records it read and the first problems."""

    name: str
    checked: int = 0
    bad: int = 0
    problems: list[RecordProblem] = field(default_factory=list)

    def add(self, problem: RecordProblem) -> None:
        self.bad += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


# A check reads every record of its kind from database ``using`` and fills the report.
RecordCheck = Callable[[str, RecordReport], None]


def verify_records(
    checks: Mapping[str, RecordCheck], *, using: str = "default"
) -> list[RecordReport]:
    """Run each check, named by the plural noun of its records ("shares"), in order of
    name; each report says how many records were read and which disagree with the
    ledger."""
    reports = []
    for name, check in sorted(checks.items()):
        report = RecordReport(name=name)
        check(using, report)
        reports.append(report)
    return reports
