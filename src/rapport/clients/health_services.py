"""Writes of the client health score: the organisation's weights (an admin's change, audited)
and the day's snapshot of a client's score (the system's computation, not audited)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients import health
from rapport.clients.models import Client, ClientHealthSettings, ClientHealthSnapshot
from rapport.core.services import require
from rapport.tenancy.actors import Actor

MAX_WEIGHT = 100


def health_weights(organisation_id: int) -> dict[str, int]:
    """The organisation's weights, the defaults for any part it never set."""
    found = ClientHealthSettings.objects.filter(organisation_id=organisation_id).first()
    stored = found.weights if found else {}
    return {key: int(stored.get(key, health.DEFAULT_WEIGHTS[key])) for key in health.PARTS}


def check_weights(values: Mapping[str, Any]) -> dict[str, int]:
    """Whole numbers from 0 to 100 for every part, not all zero."""
    errors: dict[str, str] = {}
    weights: dict[str, int] = {}
    for key in health.PARTS:
        value = values.get(key)
        if isinstance(value, str):
            value = value.strip()
        try:
            number = int(value)  # type: ignore[arg-type]
            valid = not isinstance(value, bool | float) and str(number) == str(value).lstrip("+")
        except (TypeError, ValueError, OverflowError):
            valid = False
        if not valid or not 0 <= number <= MAX_WEIGHT:
            errors[key] = _("Give a whole number from 0 to 100.")
        else:
            weights[key] = number
    if errors:
        raise ValidationError(errors)
    if not any(weights.values()):
        raise ValidationError(_("Give at least one part a weight above zero."), code="all_zero")
    return weights


@transaction.atomic
def health_weights_update(*, actor: Actor, weights: Mapping[str, Any]) -> ClientHealthSettings:
    """Admins set how much each part counts; every client's score follows from tomorrow's
    recomputation (or the next event)."""
    require(actor.is_admin)
    checked = check_weights(weights)
    settings, _created = ClientHealthSettings.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id
    )
    before = health_weights(actor.organisation_id)
    settings.weights = checked
    settings.save()
    if before != checked:
        audit.record(
            actor=actor,
            action="updated",
            obj=settings,
            organisation_id=actor.organisation_id,
            changes={"weights": [before, checked]},
        )
    return settings


def snapshot_record(
    *, client: Client, today: date, weights: Mapping[str, int] | None = None
) -> ClientHealthSnapshot:
    """Compute the client's score for ``today`` and store it as that day's snapshot, replacing
    one computed earlier the same day (so running it twice is harmless)."""
    weights = weights or health_weights(client.organisation_id)
    score, parts = health.compute(client, today, weights)
    snapshot, _created = ClientHealthSnapshot.objects.update_or_create(
        client=client,
        day=today,
        defaults={
            "organisation_id": client.organisation_id,
            "score": score,
            "parts": parts,
            "computed_at": timezone.now(),
        },
    )
    return snapshot


def recompute_later(client_id: int) -> None:
    """After the caller's transaction commits, recompute the client's score in the worker."""
    from rapport.clients.tasks import recompute_client_health

    transaction.on_commit(lambda: recompute_client_health.enqueue(client_id=client_id))
