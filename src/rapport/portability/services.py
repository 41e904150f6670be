"""Organisation exports and imports. An owner requests an export; a worker builds the archive
and tells them; they download it through an access-checked view. The command line exports and
imports directly. Each step is in the audit trail."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rapport.audit import services as audit
from rapport.core.services import require
from rapport.notify.services import email_queue
from rapport.portability import archive
from rapport.portability.models import OrganisationExport
from rapport.portability.permissions import can_export_organisation
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Organisation


def export_dir() -> Path:
    return Path(settings.RAPPORT_EXPORT_DIR)


def path_of(export: OrganisationExport) -> Path:
    """The export's file, which must lie inside the export directory."""
    base = export_dir().resolve()
    path = (base / export.stored_name).resolve()
    if not export.stored_name or not path.is_relative_to(base) or path == base:
        raise FileNotFoundError(export.stored_name)
    return path


@transaction.atomic
def organisation_export_request(*, actor: Actor) -> OrganisationExport:
    """Queue the building of an archive of the actor's organisation."""
    require(can_export_organisation(actor))
    from rapport.portability.tasks import build_organisation_export

    assert actor.organisation is not None
    export = OrganisationExport.objects.create(
        organisation=actor.organisation, requested_by=actor.user
    )
    audit.record(actor=actor, action="export_requested", obj=export)
    transaction.on_commit(lambda: build_organisation_export.enqueue(export_id=export.pk))
    return export


def organisation_export_build(*, export_id: int) -> OrganisationExport:
    """Build the archive (idempotent: an export that is done or failed is left alone), then
    email the owner who asked."""
    with transaction.atomic():
        export = (
            OrganisationExport.objects.select_for_update(of=("self",))
            .select_related("organisation", "requested_by")
            .get(pk=export_id)
        )
        if export.status in (OrganisationExport.Status.DONE, OrganisationExport.Status.FAILED):
            return export
        export.status = OrganisationExport.Status.RUNNING
        export.save(update_fields=["status"])
    export.stored_name = f"{export.organisation_id}/{secrets.token_hex(16)}.zip"
    try:
        target = path_of(export)
        archive.export_organisation(organisation=export.organisation, target=target)
    except Exception as error:  # recorded for the owner; the worker goes on
        export.status = OrganisationExport.Status.FAILED
        export.error = str(error)[:2000]
        export.stored_name = ""
    else:
        export.status = OrganisationExport.Status.DONE
        export.size = target.stat().st_size
        export.sha256 = _sha256(target)
    export.finished_at = timezone.now()
    with transaction.atomic():
        export.save(
            update_fields=["status", "stored_name", "size", "sha256", "error", "finished_at"]
        )
        _tell_owner(export)
    return export


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(archive.CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tell_owner(export: OrganisationExport) -> None:
    user = export.requested_by
    if user is None or not user.is_active:
        return
    email_queue(
        to=user.email,
        template="organisation_export_ready",
        context={
            "name": user.full_name,
            "organisation": export.organisation.name,
            "ready": export.status == OrganisationExport.Status.DONE,
            "link": f"{settings.SITE_URL}{reverse('portability:exports')}",
        },
        language=user.language,
        kind="organisation_export_ready",
        organisation_id=export.organisation_id,
    )


def organisation_export_download(*, actor: Actor, export: OrganisationExport) -> Path:
    """The file of a finished export, recorded in the audit trail as downloaded."""
    require(can_export_organisation(actor) and export.organisation_id == actor.organisation_id)
    path = path_of(export)
    if export.status != OrganisationExport.Status.DONE or not path.is_file():
        raise FileNotFoundError(export.stored_name)
    audit.record(actor=actor, action="export_downloaded", obj=export)
    return path


def organisation_export_to_file(*, organisation: Organisation, target: Path) -> dict[str, Any]:
    """The command line's export: straight to a file, recorded as done by Rapport."""
    manifest = archive.export_organisation(organisation=organisation, target=target)
    with transaction.atomic():
        export = OrganisationExport.objects.create(
            organisation=organisation,
            status=OrganisationExport.Status.DONE,
            size=target.stat().st_size,
            sha256=_sha256(target),
            finished_at=timezone.now(),
        )
        audit.record(
            actor=Actor.system(organisation),
            action="exported",
            obj=export,
            changes={"file": [None, target.name]},
        )
    return manifest


def organisation_import(*, path: Path) -> Organisation:
    """Load an archive (see ``archive.import_organisation``) and record it in the audit trail
    of the organisation it created."""
    with transaction.atomic():
        organisation = archive.import_organisation(path=path)
        audit.record(
            actor=Actor.system(organisation),
            action="imported",
            obj=organisation,
            changes={"file": [None, path.name]},
        )
    return organisation


def remove_file(export: OrganisationExport) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(export).unlink(missing_ok=True)


STORED_NAME = re.compile(r"^[0-9]+/[0-9a-f]{32}\.zip$")


def organisation_exports_prune(*, now: datetime | None = None) -> int:
    """Exports finished more than ``RAPPORT_EXPORT_KEEP_DAYS`` ago are deleted with their
    archive (the audit trail keeps that they were made, downloaded and deleted), and so is an
    archive of that age no export names (a build cut short). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RAPPORT_EXPORT_KEEP_DAYS)
    deleted = 0
    expired = OrganisationExport.objects.filter(finished_at__lt=cutoff).select_related(
        "organisation"
    )
    for export in expired.iterator():
        with transaction.atomic():
            audit.record(
                actor=Actor.system(export.organisation),
                action="deleted",
                obj=export,
                changes={"retention_days": [None, settings.RAPPORT_EXPORT_KEEP_DAYS]},
            )
            export.delete()
        remove_file(export)
        deleted += 1
    return deleted + _prune_orphans(cutoff)


def _prune_orphans(cutoff: datetime) -> int:
    base = export_dir()
    if not base.is_dir():
        return 0
    kept = set(
        OrganisationExport.objects.exclude(stored_name="").values_list("stored_name", flat=True)
    )
    removed = 0
    for path in base.glob("*/*.zip"):
        name = path.relative_to(base).as_posix()
        if not STORED_NAME.match(name) or name in kept:
            continue
        if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
