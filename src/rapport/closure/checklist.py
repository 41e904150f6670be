"""What closing a project needs, computed from its data. Open change requests and deliverables
not yet accepted block the closure (an admin may close anyway, with a reason); the other items
are reminders shown beside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from rapport.changes.models import OPEN_STATES, ChangeRequest
from rapport.closure.models import Closure
from rapport.lessons.models import Lesson
from rapport.projects.models import CostEntry, Deliverable, Project, TimeEntry
from rapport.reports.models import StatusReport


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    done: bool | None  # None: not available yet
    detail: str = ""


@dataclass
class Checklist:
    items: list[Item]
    blockers: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)


def checklist(project: Project, closure: Closure | None) -> Checklist:
    open_requests = list(
        ChangeRequest.objects.filter(project=project, state__in=OPEN_STATES).order_by("number")
    )
    unaccepted = list(
        Deliverable.objects.filter(project=project)
        .exclude(status=Deliverable.Status.ACCEPTED)
        .order_by("milestone__baseline_date", "id")
    )
    blockers = [
        _("Change request %(reference)s is still open: %(title)s")
        % {"reference": cr.reference, "title": cr.title}
        for cr in open_requests
    ] + [
        _("Deliverable not accepted by the client: %(name)s") % {"name": d.name} for d in unaccepted
    ]
    reports = StatusReport.objects.filter(project=project)
    final_report = (
        reports.filter(state=StatusReport.State.PUBLISHED).exists()
        and not reports.filter(state=StatusReport.State.DRAFT).exists()
    )
    closed_on = closure.budget_closed_on if closure else None
    late_costs = closed_on is not None and (
        CostEntry.objects.filter(project=project, date__gt=closed_on).exists()
        or TimeEntry.objects.filter(project=project, date__gt=closed_on).exists()
    )
    items = [
        Item("deliverables", _("Every deliverable accepted by the client"), not unaccepted),
        Item("change_requests", _("No change request left open"), not open_requests),
        Item(
            "final_report",
            _("A final status report published, none left in draft"),
            final_report,
        ),
        Item(
            "lessons",
            _("Lessons learned captured"),
            bool(closure and closure.lessons.strip())
            or Lesson.objects.filter(project=project).exists(),
        ),
        Item(
            "budget",
            _("Budget closed"),
            closed_on is not None and not late_costs,
            _("Costs were recorded after the budget was closed.") if late_costs else "",
        ),
        Item("survey", _("Satisfaction survey sent"), project.surveys.exists(), ""),
    ]
    return Checklist(items=items, blockers=blockers)
