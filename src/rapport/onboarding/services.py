"""Writes of the guided setup: hide the guide, delete the sample."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.audit import services as audit
from rapport.clients.models import Client
from rapport.core.services import require
from rapport.onboarding.models import SetupGuide
from rapport.tenancy.actors import Actor


def _guide(actor: Actor) -> SetupGuide:
    require(actor.is_manager)
    return SetupGuide.objects.select_for_update().get(organisation=actor.organisation)


@transaction.atomic
def guide_hide(*, actor: Actor) -> SetupGuide:
    guide = _guide(actor)
    if guide.hidden_at is None:
        guide.hidden_at = timezone.now()
        guide.save(update_fields=["hidden_at", "updated_at"])
        audit.record(actor=actor, action="hidden", obj=guide, changes={"hidden": [False, True]})
    return guide


@transaction.atomic
def sample_delete(*, actor: Actor) -> None:
    """Remove the sample client with its project and everything recorded on them."""
    guide = _guide(actor)
    project = guide.sample_project
    client = guide.sample_client
    if project is None and client is None:
        raise ValidationError(_("The sample was already deleted."), code="gone")
    if (
        client is not None
        and client.projects.exclude(pk__in=[project.pk] if project else []).exists()
    ):
        raise ValidationError(
            _("The sample client now has projects of its own; delete them first or keep it."),
            code="in_use",
        )
    try:
        for obj in (project, client):
            if obj is not None:
                changes = {"sample": [True, None]}
                audit.record(actor=actor, action="deleted", obj=obj, changes=changes)
                if isinstance(obj, Client):
                    obj.contacts.all().delete()
                obj.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            _("The sample is still referred to by other records and cannot be deleted."),
            code="protected",
        ) from error
    guide.sample_client = guide.sample_project = None
    guide.save(update_fields=["sample_client", "sample_project", "updated_at"])
