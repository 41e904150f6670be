"""The columns of the risk register, the issue log and the conflict register, as exported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from rapport.core.export import Column
from rapport.risks.models import Conflict, Issue, Risk

RISK_COLUMNS: list[Column[Risk]] = [
    Column(_("Reference"), lambda risk: risk.reference),
    Column(_("Risk"), lambda risk: risk.title),
    Column(_("Probability"), lambda risk: risk.probability),
    Column(_("Impact"), lambda risk: risk.impact),
    Column(_("Score"), lambda risk: risk.score),
    Column(_("Owner"), lambda risk: risk.owner.full_name if risk.owner else ""),
    Column(_("Status"), lambda risk: risk.get_status_display()),
    Column(_("Next review"), lambda risk: risk.review_date),
    Column(_("Mitigation"), lambda risk: risk.mitigation),
    Column(_("Contingency plan"), lambda risk: risk.contingency),
    Column(_("Visible to the client"), lambda risk: risk.client_visible),
]

ISSUE_COLUMNS: list[Column[Issue]] = [
    Column(_("Reference"), lambda issue: issue.reference),
    Column(_("Issue"), lambda issue: issue.title),
    Column(_("From risk"), lambda issue: issue.from_risk.reference if issue.from_risk else ""),
    Column(_("Affects"), lambda issue: ", ".join(issue.affects)),
    Column(_("Impact"), lambda issue: issue.impact),
    Column(_("Proposed solution"), lambda issue: issue.proposed_solution),
    Column(_("Owner"), lambda issue: issue.owner.full_name if issue.owner else ""),
    Column(_("Due"), lambda issue: issue.due_date),
    Column(_("Status"), lambda issue: issue.get_status_display()),
    Column(_("Shared with the client"), lambda issue: issue.shared_at),
    Column(_("Resolved"), lambda issue: issue.resolved_at),
]

# What the client reads: no owner, no contingency plan, no internal flag.
PORTAL_RISK_COLUMNS: list[Column[Risk]] = [
    *RISK_COLUMNS[:5],
    RISK_COLUMNS[8],
    RISK_COLUMNS[6],
    RISK_COLUMNS[7],
]

PORTAL_ISSUE_COLUMNS: list[Column[Issue]] = [
    ISSUE_COLUMNS[0],
    ISSUE_COLUMNS[1],
    Column(_("What happened"), lambda issue: issue.description),
    *ISSUE_COLUMNS[3:6],
    ISSUE_COLUMNS[7],
    ISSUE_COLUMNS[8],
    Column(_("How it was resolved"), lambda issue: issue.resolution),
    Column(_("Told to you on"), lambda issue: issue.shared_at),
]

CONFLICT_COLUMNS: list[Column[Conflict]] = [
    Column(_("Reference"), lambda conflict: conflict.reference),
    Column(_("Conflict"), lambda conflict: conflict.title),
    Column(_("Client"), lambda conflict: conflict.client.name),
    Column(_("Project"), lambda conflict: conflict.project.name if conflict.project else ""),
    Column(_("Root causes"), lambda conflict: ", ".join(conflict.root_cause_labels)),
    Column(_("Strategy"), lambda conflict: conflict.get_strategy_display()),
    Column(_("Escalation level"), lambda conflict: conflict.get_escalation_level_display()),
    Column(_("Status"), lambda conflict: conflict.get_status_display()),
    Column(_("Resolved"), lambda conflict: conflict.resolved_on),
]
