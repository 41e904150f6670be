"""When a planned touchpoint is next due, and how overdue it is. Pure functions; no database.

The rule, stated once: a plan item is first due on the day it starts, then ``cadence_days``
after it was last done. On the due day it is *due*; once past, it is
*overdue*: amber at first, red once it is late by more than half its cadence (and at least
``RED_AFTER_MIN_DAYS`` days). A stakeholder takes the worst colour of the plan items they are
in the audience of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

GREEN, DUE, AMBER, RED = "green", "due", "amber", "red"
SEVERITY = {GREEN: 0, DUE: 1, AMBER: 2, RED: 3}
RED_AFTER_MIN_DAYS = 3


@dataclass(frozen=True)
class Due:
    next_due: date
    overdue_days: int  # negative: days left; 0: due today
    colour: str

    @property
    def needs_attention(self) -> bool:
        return self.colour != GREEN


def red_after(cadence_days: int) -> int:
    return max(RED_AFTER_MIN_DAYS, cadence_days // 2)


def due(*, starts_on: date, last_done: date | None, cadence_days: int, today: date) -> Due:
    next_due = starts_on if last_done is None else last_done + timedelta(days=cadence_days)
    overdue = (today - next_due).days
    if overdue < 0:
        colour = GREEN
    elif overdue == 0:
        colour = DUE
    elif overdue > red_after(cadence_days):
        colour = RED
    else:
        colour = AMBER
    return Due(next_due=next_due, overdue_days=overdue, colour=colour)


def worst(colours: list[str]) -> str:
    return max(colours, key=SEVERITY.__getitem__, default=GREEN)
