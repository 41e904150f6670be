"""How many of each thing the scale organisation has: the counts at scale 1.0, multiplied by
the scale, and their exact share-out over clients and projects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# At scale 1.0: a large agency in its tenth year.
FULL = {
    "clients": 200,
    "contacts": 2_000,
    "projects": 2_000,
    "milestones": 20_000,
    "change_requests": 40_000,
    "status_reports": 100_000,
    "touchpoints": 400_000,
    "messages": 600_000,
    "survey_responses": 200_000,
    "meetings": 50_000,
    "action_items": 200_000,
    "lessons": 20_000,
    "audit_events": 1_000_000,
}
# Enough for both languages, a closed project and a client with two contacts at any scale.
MINIMUM = {"clients": 2, "contacts": 4, "projects": 4}
CLOSED_SHARE = 0.25
MEMBERS = {"owner": 2, "admin": 4, "pm": 24, "member": 20}  # 50 people


@dataclass(frozen=True)
class Plan:
    scale: float
    counts: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    @property
    def rows(self) -> int:
        """What the progress bar counts to."""
        return sum(self.counts.values())


def plan(scale: float) -> Plan:
    if not 0 < scale <= 10:
        raise ValueError("The scale must be above 0 and at most 10.")
    counts = {name: max(MINIMUM.get(name, 0), round(full * scale)) for name, full in FULL.items()}
    return Plan(scale=scale, counts=counts)


def spread(total: int, parts: int) -> list[int]:
    """``total`` shared as evenly as possible over ``parts``, the first ones taking the rest."""
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def spread_weighted(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` shared in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    if whole <= 0:
        return spread(total, len(weights))
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares
