"""Demo change requests in every state, told through the services (so the audit trail, the
decisions and the baseline versions are real)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rapport.changes import services as cr
from rapport.changes.models import ChangeRequest
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor

# (title, description, reason, by client?, target state, impact) — in the project's language.
STORIES: dict[str, list[tuple[str, str, str, bool, str, dict[str, Any]]]] = {
    "NWL-01": [
        (
            "Export reports to Excel",
            "Every report gets an Excel export.",
            "Board pack",
            True,
            "implemented",
            {"schedule_days": 10, "costs": {"labour": "5000"}},
        ),
        (
            "Single sign-on with Azure AD",
            "Staff sign in with their company account.",
            "IT security policy",
            True,
            "approved",
            {"schedule_days": 5, "costs": {"labour": "3200"}},
        ),
        (
            "Dark mode",
            "A dark theme for the portal.",
            "Nice to have",
            True,
            "rejected",
            {"schedule_days": 4, "costs": {"labour": "2400"}, "comment": "Not this year."},
        ),
        (
            "Chat widget",
            "Live chat on every page.",
            "Fewer calls to the hotline",
            True,
            "needs_information",
            {
                "schedule_days": 8,
                "costs": {"licences": "1800"},
                "comment": "Which chat vendor, and who answers?",
            },
        ),
        (
            "Second language: German",
            "All pages in German too.",
            "Expansion to Austria",
            False,
            "awaiting_approval",
            {"schedule_days": 12, "costs": {"labour": "6000"}},
        ),
        (
            "Data warehouse feed",
            "Nightly export to the client's warehouse.",
            "Analytics team",
            False,
            "internal_approval",
            {"schedule_days": 20, "costs": {"labour": "24000"}},
        ),
        (
            "Print stylesheet",
            "Pages print cleanly.",
            "Archive requirement",
            True,
            "under_evaluation",
            {},
        ),
        (
            "Accessibility audit",
            "An external WCAG audit before go-live.",
            "Legal",
            True,
            "submitted",
            {},
        ),
        ("Newsletter sign-up", "A sign-up box on the home page.", "", False, "draft", {}),
        ("Fax integration", "Orders by fax.", "One old customer", True, "withdrawn", {}),
    ],
    "HCM-02": [
        (
            "增加短信通知",
            "检验报告出具后向患者发送短信通知。",
            "患者希望及时获知结果",
            True,
            "implemented",
            {"schedule_days": 7, "costs": {"labour": "18000"}},
        ),
        (
            "支持英文界面",
            "报告查询页面提供英文版本。",
            "外籍患者需求",
            True,
            "awaiting_approval",
            {"schedule_days": 10, "costs": {"labour": "24000"}},
        ),
    ],
}

EVALUATED = {
    "under_evaluation",
    "internal_approval",
    "awaiting_approval",
    "needs_information",
    "approved",
    "rejected",
    "implemented",
}
SENT = {
    "internal_approval",
    "awaiting_approval",
    "needs_information",
    "approved",
    "rejected",
    "implemented",
}


def tell_changes(
    project: Project, *, pm: Actor, client: Actor, admin: Actor
) -> list[ChangeRequest]:
    stories = STORIES.get(project.code, [])
    threshold = project.organisation.change_approval_threshold
    requests = []
    for title, description, reason, by_client, state, impact in stories:
        request = cr.change_request_create(
            actor=client if by_client else pm,
            project=project,
            title=title,
            description=description,
            reason=reason,
            submit=state != "draft",
            milestones=[m.pk for m in project.milestones.order_by("-baseline_date")[:1]],
        )
        if state == "withdrawn":
            cr.change_request_withdraw(
                actor=client if by_client else pm, change_request=request, comment=""
            )
        if state in EVALUATED:
            cr.change_request_evaluate(
                actor=pm,
                change_request=request,
                recommendation="approve",
                schedule_days=impact.get("schedule_days", 3),
                costs=impact.get("costs", {"labour": "1500"}),
                scope_added=description,
                evaluation_notes="Internal: estimate from the last sprint's velocity.",
            )
        if state in SENT:
            cr.change_request_send_for_approval(actor=pm, change_request=request)
            cost = sum((Decimal(v) for v in impact.get("costs", {}).values()), Decimal("0"))
            if threshold is not None and cost > threshold and state != "internal_approval":
                cr.change_request_internal_decide(actor=admin, change_request=request, approve=True)
        if state in {"approved", "implemented"}:
            cr.change_request_decide(actor=client, change_request=request, decision="approve")
        elif state in {"rejected", "needs_information"}:
            cr.change_request_decide(
                actor=client,
                change_request=request,
                decision="reject" if state == "rejected" else "needs_information",
                comment=impact["comment"],
            )
        if state == "implemented":
            cr.change_request_implement(actor=pm, change_request=request)
        requests.append(request)
    return requests
