"""Organisation exports are kept ``RAPPORT_EXPORT_KEEP_DAYS``: the nightly job deletes older
ones with their archives, and archives of that age no export names; newer ones, and exports
still being built, stay."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.portability import tasks
from rapport.portability.models import OrganisationExport
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _export(world: World, directory: Path, *, age_days: float, status: str = "done") -> Any:
    now = timezone.now()
    export = OrganisationExport.objects.create(
        organisation=world.one.organisation,
        requested_by=world.one.owner,
        status=status,
        created_at=now - timedelta(days=age_days, minutes=5),
        finished_at=None if status == "running" else now - timedelta(days=age_days),
        stored_name=f"{world.one.organisation.pk}/{os.urandom(16).hex()}.zip",
    )
    path = directory / export.stored_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK archive")
    return export, path


def _orphan(directory: Path, *, age_days: float) -> Path:
    path = directory / "9" / f"{os.urandom(16).hex()}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK left over")
    moment = (timezone.now() - timedelta(days=age_days)).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_exports_older_than_the_retention_are_deleted_with_their_archives(
    world: World, settings: Any, tmp_path: Path
) -> None:
    settings.RAPPORT_EXPORT_DIR = tmp_path
    settings.RAPPORT_EXPORT_KEEP_DAYS = 14
    old, old_path = _export(world, tmp_path, age_days=15)
    failed, _ = _export(world, tmp_path, age_days=20, status="failed")
    recent, recent_path = _export(world, tmp_path, age_days=13)
    building, building_path = _export(world, tmp_path, age_days=30, status="running")
    old_orphan = _orphan(tmp_path, age_days=15)
    new_orphan = _orphan(tmp_path, age_days=1)
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("the operator's")
    os.utime(not_an_archive, (0, 0))

    assert tasks.prune_organisation_exports.call() == 3

    assert set(OrganisationExport.objects.all()) == {recent, building}
    assert not old_path.exists() and not old_orphan.exists()
    assert recent_path.exists() and building_path.exists() and new_orphan.exists()
    assert not_an_archive.exists()
    deletions = AuditEvent.objects.filter(
        action="deleted", content_type__model="organisationexport"
    )
    assert set(deletions.values_list("object_id", flat=True)) == {str(old.pk), str(failed.pk)}
    assert tasks.prune_organisation_exports.call() == 0  # a second run finds nothing


def test_a_shorter_retention_deletes_sooner(world: World, settings: Any, tmp_path: Path) -> None:
    settings.RAPPORT_EXPORT_DIR = tmp_path
    settings.RAPPORT_EXPORT_KEEP_DAYS = 1
    _export(world, tmp_path, age_days=2)
    kept, _ = _export(world, tmp_path, age_days=0.5)
    assert tasks.prune_organisation_exports.call() == 1
    assert list(OrganisationExport.objects.all()) == [kept]
