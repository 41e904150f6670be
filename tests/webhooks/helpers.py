from __future__ import annotations

from rapport.risks import services as risk_services
from rapport.risks.models import Issue
from rapport.webhooks import services
from rapport.webhooks.models import WebhookSubscription
from tests.conftest import Side


def subscribe(side: Side, url: str, events: list[str] | None = None) -> WebhookSubscription:
    return services.subscription_create(
        actor=side.actor(side.admin), url=url, events=events or ["issue.shared"]
    )


def shared_issue(side: Side, title: str = "Server room flooded") -> Issue:
    """An issue of project A shared with the client: emits ``issue.shared`` once."""
    pm = side.actor(side.pm)
    issue = risk_services.issue_create(
        actor=pm,
        project=side.project_a,
        title=title,
        owner_id=side.pm.pk,
        proposed_solution="Move to the backup site.",
    )
    return risk_services.issue_share(actor=pm, issue=issue)
