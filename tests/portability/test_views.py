"""The owner's export page: ask for an export, the worker builds it and emails the owner, the
owner downloads it as an attachment; each step is in the audit trail."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from rapport.audit.models import AuditEvent
from rapport.notify.models import OutboundEmail
from rapport.portability.models import OrganisationExport
from tests.conftest import World, login


@pytest.mark.django_db
def test_owner_exports_and_downloads(world: World, django_capture_on_commit_callbacks: Any) -> None:
    side = world.one
    http = login(side.owner)
    page = reverse("portability:exports")
    assert http.get(page).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(page)
    assert response.status_code == 302
    export = OrganisationExport.objects.get(organisation=side.organisation)
    assert export.status == OrganisationExport.Status.DONE, export.error
    assert OutboundEmail.objects.filter(
        to=side.owner.email, kind="organisation_export_ready"
    ).exists()
    assert AuditEvent.objects.filter(action="export_requested", object_id=str(export.pk)).exists()

    listing = http.get(page).content.decode()
    download = reverse("portability:download", kwargs={"export_id": export.pk})
    assert download in listing
    response = http.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["organisation"]["slug"] == side.organisation.slug
    assert AuditEvent.objects.filter(action="export_downloaded", object_id=str(export.pk)).exists()

    # Another organisation's owner gets nothing of it; an admin of this one cannot ask.
    assert login(world.two.owner).get(download).status_code == 404
    assert login(side.admin).post(page).status_code == 403
