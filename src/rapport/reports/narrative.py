"""A new draft's narrative, written from its data snapshot and computed health in one language,
for the PM to edit: facts only (nothing the data does not say), as markdown lists.

The narrative is what the client reads, so internal milestones stay out of it, as they do in
the portal's view of the data; where a solution is the PM's to write, a placeholder says so.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from rapport.changes.models import State as ChangeState
from rapport.reports import health

LISTED = 30  # items per section; the data below the narrative lists them all

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])")


def _text(value: Any) -> str:
    """User-written text (a milestone's name, a change's title) shown as itself, not as
    markdown: one line, punctuation that would format it escaped."""
    text = " ".join(str(value or "").split())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _bullets(lines: list[str], empty: str) -> str:
    if not lines:
        return empty
    shown = [f"- {line}" for line in lines[:LISTED]]
    if len(lines) > LISTED:
        more = len(lines) - LISTED
        shown.append(
            "- "
            + ngettext(
                "…and %(count)d more (see the data below).",
                "…and %(count)d more (see the data below).",
                more,
            )
            % {"count": more}
        )
    return "\n".join(shown)


def _visible(milestones: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [m for m in milestones or [] if m.get("client_visible", True)]


def _days_late(days: int) -> str:
    return ngettext("%(days)s day late", "%(days)s days late", days) % {"days": days}


def summary(assessment: dict[str, Any]) -> str:
    """One sentence: the overall computed health and the reasons of the dimensions that set it."""
    overall = assessment.get("overall") or health.GREEN
    colour = health.colour_label(overall)
    reasons = [
        health.reason_text(item, for_client=True).rstrip(".。")
        for verdict in (assessment.get("dimensions") or {}).values()
        if verdict.get("colour") == overall
        for item in verdict.get("reasons") or []
    ]
    if not reasons:
        return _(
            "The computed health is **%(colour)s**: schedule, budget and scope are within "
            "the thresholds."
        ) % {"colour": colour}
    separator = pgettext("between reasons in a sentence", "; ")
    return _("The computed health is **%(colour)s**: %(reasons)s.") % {
        "colour": colour,
        "reasons": separator.join(reasons),
    }


def achievements(data: dict[str, Any]) -> str:
    lines = []
    for m in _visible(data.get("milestones_reached")):
        values = {"name": _text(m["name"]), "date": m["done_date"]}
        slip = m.get("slip_days") or 0
        if slip > 0:
            lines.append(
                _("%(name)s, reached on %(date)s (%(late)s)") % {**values, "late": _days_late(slip)}
            )
        else:
            lines.append(_("%(name)s, reached on %(date)s") % values)
    return _bullets(lines, _("No milestone was reached in the period."))


SOLUTION_PLACEHOLDER = gettext_lazy(
    "Solution: to be written by the project manager before publishing."
)


def placeholder_left(texts: list[str]) -> str | None:
    """The solution placeholder (in any language) still standing in one of ``texts``: a
    problem is never reported without a way forward."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            placeholder = str(SOLUTION_PLACEHOLDER)
        if any(placeholder in text for text in texts):
            return placeholder
    return None


def problems(data: dict[str, Any]) -> str:
    """Milestones missed in the period with their slip; under each one still open, a line
    for the PM's solution (one reached late is a fact, no longer a problem to solve)."""
    as_of = date.fromisoformat(data["as_of"]) if data.get("as_of") else None
    solution = str(SOLUTION_PLACEHOLDER)
    lines = []
    for m in _visible(data.get("milestones_missed")):
        values = {"name": _text(m["name"]), "due": m["baseline_date"]}
        slip = m.get("slip_days") or 0
        if m.get("done_date"):
            lines.append(
                _("%(name)s, due on %(due)s, was reached on %(done)s (%(late)s)")
                % {**values, "done": m["done_date"], "late": _days_late(slip)}
            )
            continue
        if m.get("forecast_date") and slip > 0:
            line = _("%(name)s, due on %(due)s, is forecast for %(forecast)s (%(late)s)") % {
                **values,
                "forecast": m["forecast_date"],
                "late": _days_late(slip),
            }
        else:
            overdue = (as_of - date.fromisoformat(m["baseline_date"])).days if as_of else 0
            if overdue > 0:
                line = _("%(name)s, due on %(due)s, is not reached yet (%(late)s)") % {
                    **values,
                    "late": _days_late(overdue),
                }
            else:
                line = _("%(name)s, due on %(due)s, is not reached yet") % values
        lines.append(f"{line}\n  - *{solution}*")
    lines.extend(shared_issues(data))
    return _bullets(lines, _("No milestone was missed in the period."))


def _action_item(item: dict[str, Any]) -> str:
    return _("“%(what)s” (%(owner)s), due on %(due)s (%(late)s)") % {
        "what": _text(item["what"]),
        "owner": _text(item["owner"]),
        "due": item["due_date"],
        "late": _days_late(item["overdue_days"]),
    }


AFFECTS = {
    "schedule": gettext_lazy("schedule"),
    "budget": gettext_lazy("budget"),
    "quality": gettext_lazy("quality"),
}


def shared_issues(data: dict[str, Any]) -> list[str]:
    """Each open issue shared with the client: what it affects and what happened, with the
    proposed solution it was shared with beneath it."""
    lines = []
    separator = pgettext("between items in a list", ", ")
    for issue in data.get("issues_open") or []:
        if not issue.get("client_visible"):
            continue
        values = {"reference": issue["reference"], "title": _text(issue["title"])}
        affects = [str(AFFECTS[a]) for a in issue.get("affects") or [] if a in AFFECTS]
        if affects:
            line = _("%(reference)s %(title)s (affects: %(affects)s)") % {
                **values,
                "affects": separator.join(affects),
            }
        else:
            line = _("%(reference)s %(title)s") % values
        detail = _text(issue.get("impact") or issue.get("description"))
        if detail:
            line = f"{line}: {detail}"
        solution = _("Proposed solution: %(solution)s") % {
            "solution": _text(issue.get("proposed_solution"))
        }
        lines.append(f"{line}\n  - *{solution}*")
    return lines


def asks(data: dict[str, Any]) -> str:
    """Change requests awaiting the client's decision and the client's overdue action items
    from meetings."""
    lines = [
        _("%(reference)s “%(title)s”: awaiting your approval or rejection")
        % {"reference": change["reference"], "title": _text(change["title"])}
        for change in data.get("changes_pending") or []
        if change.get("state") == ChangeState.AWAITING_APPROVAL
    ]
    lines += [
        _("Action item %(item)s") % {"item": _action_item(item)}
        for item in data.get("action_items_overdue") or []
        if item.get("client")
    ]
    return _bullets(lines, _("No change request is awaiting your decision."))


def next_steps(data: dict[str, Any]) -> str:
    lines = []
    for m in _visible(data.get("upcoming_milestones")):
        values = {"name": _text(m["name"]), "date": m["baseline_date"]}
        forecast = m.get("forecast_date")
        if forecast and forecast != m["baseline_date"]:
            lines.append(
                _("%(name)s, forecast for %(forecast)s (planned for %(date)s)")
                % {**values, "forecast": forecast}
            )
        else:
            lines.append(_("%(name)s, planned for %(date)s") % values)
    lines += [
        _("Overdue action item of the team: %(item)s") % {"item": _action_item(item)}
        for item in data.get("action_items_overdue") or []
        if not item.get("client")
    ]
    return _bullets(lines, _("No milestone is planned after the period."))


def prefill(data: dict[str, Any], assessment: dict[str, Any], *, language: str) -> dict[str, str]:
    """The five narrative fields of a new draft, written in ``language``."""
    with translation.override(language):
        return {
            "summary": summary(assessment),
            "achievements": achievements(data),
            "problems": problems(data),
            "asks": asks(data),
            "next_steps": next_steps(data),
        }
