"""Reads of organisation exports: an owner sees the exports of their organisation; anyone else
none, so every id they send is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.portability.models import OrganisationExport
from rapport.portability.permissions import can_export_organisation
from rapport.tenancy.actors import Actor


def exports_visible_to(actor: Actor) -> QuerySet[OrganisationExport]:
    if not can_export_organisation(actor):
        return OrganisationExport.objects.none()
    return OrganisationExport.objects.filter(organisation_id=actor.organisation_id)


def export_list(*, actor: Actor) -> QuerySet[OrganisationExport]:
    return (
        exports_visible_to(actor)
        .select_related("organisation", "requested_by")
        .order_by("-created_at", "-id")
    )


def export_get(*, actor: Actor, export_id: int) -> OrganisationExport:
    return get_object_or_404(exports_visible_to(actor).select_related("organisation"), pk=export_id)
