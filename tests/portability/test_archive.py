"""The organisation archive: every model is exported or excluded with a reason; every row
belongs to exactly one organisation's archive; export → import into an installation without
the organisation → export again gives the same content (ids aside); damaged, newer or
duplicate archives are refused with nothing written."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from rapport.audit.models import AuditEvent
from rapport.messaging import attachments as files
from rapport.messaging.models import MessageAttachment
from rapport.portability import archive
from rapport.tenancy.models import Membership, Organisation, User

NULLABLE_ORGANISATION = {
    "audit.AuditEvent",
    "notify.OutboundEmail",
    "notify.Notification",
    "mailin.InboundEmail",
}


def test_every_model_is_exported_or_excluded_with_a_reason() -> None:
    every = {model._meta.label for model in archive.rapport_models()}
    covered = set(archive.EXPORTED) | set(archive.EXCLUDED)
    assert every - covered == set(), "add these models to EXPORTED or EXCLUDED (with a reason)"
    assert covered - every == set(), "these models no longer exist"
    assert not set(archive.EXPORTED) & set(archive.EXCLUDED)
    assert all(reason.strip() for reason in archive.EXCLUDED.values())
    # Every model with a path to an organisation is covered; every listed lookup resolves.
    assert set(archive.discover()) <= covered
    for label, lookups in archive.EXPORTED.items():
        for lookup in lookups:
            str(apps.get_model(label)._default_manager.filter(**{lookup: 1}).query)
    # Nothing exported points at an excluded model: the import could not fill that key in.
    for label in archive.EXPORTED:
        for f in apps.get_model(label)._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                target = f.related_model._meta.label
                assert target not in set(archive.EXCLUDED) - {
                    "tenancy.Organisation",
                    "tenancy.User",
                }, f"{label}.{f.name}"


@pytest.fixture
def exports(settings: Any, tmp_path: Path) -> Path:
    settings.RAPPORT_EXPORT_DIR = tmp_path / "exports"
    return tmp_path


@pytest.fixture
def demo(exports: Path) -> Organisation:
    call_command("demo", verbosity=0)
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    return organisation


def _delete(organisation: Organisation) -> None:
    """Remove every row of the organisation, last-loaded first (some keys protect)."""
    order, _deferred = archive.import_order()
    for label in reversed(order):
        models.QuerySet.delete(archive.rows_of(label, organisation))  # the audit trail too
    Organisation.objects.filter(pk=organisation.pk).delete()


def _canonical(path: Path) -> dict[str, Any]:
    """The archive's content with every id replaced by what it stands for: a row's position
    in its file (rows are in primary key order), a person's email, the file's checksum."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        data = {label: json.loads(zf.read(name)) for label, name in manifest["models"].items()}
        people = json.loads(zf.read("users.json"))
        organisation = json.loads(zf.read("organisation.json"))
    emails = {person["id"]: person["fields"]["email"] for person in people}
    ranks = {label: {row["id"]: n for n, row in enumerate(rows)} for label, rows in data.items()}
    by_content_type = {label.lower(): label for label in ranks}

    def target(model: Any, value: Any) -> Any:
        if value is None or model is ContentType:
            return value
        if model is User:
            return emails[value]
        if model is Organisation:
            assert value == organisation["id"]
            return "organisation"
        return ranks[model._meta.label][value]

    content: dict[str, Any] = {
        "organisation": organisation["fields"],
        "users": sorted((person["fields"] for person in people), key=lambda u: u["email"]),
    }
    for label, rows in data.items():
        model = apps.get_model(label)
        keys = {
            f.attname: f.related_model
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
        }
        many = {f.name: f.related_model for f in model._meta.many_to_many}
        result = []
        for row in rows:
            fields = {
                name: target(keys[name], value) if name in keys else value
                for name, value in row["fields"].items()
            }
            if label == "audit.AuditEvent" and fields["object_id"].isdigit():
                kind = by_content_type.get(fields["content_type_id"])
                old = int(fields["object_id"])
                if kind and old in ranks[kind]:
                    fields["object_id"] = ("row", ranks[kind][old])
                elif fields["content_type_id"] == "tenancy.organisation":
                    fields["object_id"] = "organisation"
                elif fields["content_type_id"] == "tenancy.user" and old in emails:
                    fields["object_id"] = emails[old]
            if label == "messaging.MessageAttachment":
                entry = manifest["files"][f"attachments/{fields['stored_name']}"]
                fields["stored_name"] = entry["sha256"]
            for name, ids in row.get("m2m", {}).items():
                fields[name] = sorted(target(many[name], value) for value in ids)
            result.append(fields)
        content[label] = result
    return content


@pytest.mark.django_db
def test_every_row_is_in_exactly_one_organisations_archive(demo: Organisation) -> None:
    call_command("demo", verbosity=0)  # idempotent: still one organisation's worth
    organisations = list(Organisation.objects.all())
    for label in archive.EXPORTED:
        if label == "notify.NotificationPreference":
            continue  # a member's own choices go with each organisation they belong to
        model = apps.get_model(label)
        rows = model._default_manager.all()
        if label in NULLABLE_ORGANISATION:
            rows = rows.filter(organisation__isnull=False)
        exported = sum(archive.rows_of(label, o).count() for o in organisations)
        assert exported == rows.count(), label


@pytest.mark.django_db
def test_round_trip_gives_the_same_content(demo: Organisation, exports: Path) -> None:
    first = exports / "first.zip"
    call_command("export_org", demo.slug, str(first), verbosity=0)
    manifest = archive.read_manifest(first)
    assert manifest["format_version"] == archive.FORMAT_VERSION
    assert manifest["files"]["data/projects.project.json"]["count"] > 0
    attachment = MessageAttachment.objects.filter(
        message__thread__project__organisation=demo
    ).first()
    assert attachment is not None, "the demo attaches a file"
    original = files.path_of(attachment.stored_name).read_bytes()
    events = AuditEvent.objects.filter(organisation=demo).count()
    assert events > 0

    # The organisation leaves this installation, and so do the people only it had.
    members = list(Membership.objects.filter(organisation=demo).values_list("user_id", flat=True))
    _delete(demo)
    gone = User.objects.filter(pk__in=members, memberships__isnull=True, contacts__isnull=True)
    gone_emails = set(gone.values_list("email", flat=True))
    gone.delete()
    assert gone_emails

    call_command("import_org", str(first), verbosity=0)
    imported = Organisation.objects.get(slug=demo.slug)
    assert imported.pk != demo.pk
    for email in gone_emails:
        person = User.objects.get(email=email)
        assert not person.has_usable_password()  # they choose one with "forgot password"
    copy = MessageAttachment.objects.filter(
        message__thread__project__organisation=imported, filename=attachment.filename
    ).first()
    assert copy is not None and copy.stored_name != attachment.stored_name
    assert files.path_of(copy.stored_name).read_bytes() == original
    assert AuditEvent.objects.filter(organisation=imported, action="imported").exists()

    second = exports / "second.zip"
    call_command("export_org", str(imported.pk), str(second), verbosity=0)
    before, after = _canonical(first), _canonical(second)
    # The import and the second export are themselves in the audit trail.
    after["audit.AuditEvent"] = after["audit.AuditEvent"][: len(before["audit.AuditEvent"])]
    after["portability.OrganisationExport"] = before.get("portability.OrganisationExport")
    for label in before:
        differing = [
            (n, one, two)
            for n, (one, two) in enumerate(zip(before[label], after[label], strict=False))
            if one != two
        ][:1]
        assert before[label] == after[label], (label, differing)


@pytest.mark.django_db
def test_refusals_write_nothing(demo: Organisation, exports: Path) -> None:
    good = exports / "good.zip"
    call_command("export_org", demo.slug, str(good), verbosity=0)
    count = Organisation.objects.count()

    with pytest.raises(CommandError, match="already exists"):
        call_command("import_org", str(good))

    damaged = exports / "damaged.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "data/projects.project.json":
                data = data.replace(b'"', b"'", 1)
            target.writestr(item, data)
    with pytest.raises(CommandError, match="checksum"):
        call_command("import_org", str(damaged))

    newer = exports / "newer.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(newer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["format_version"] = archive.FORMAT_VERSION + 1
                data = json.dumps(manifest).encode()
            target.writestr(item, data)
    with pytest.raises(CommandError, match="newer"):
        call_command("import_org", str(newer))

    not_a_zip = exports / "notes.zip"
    not_a_zip.write_text("hello")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_org", str(not_a_zip))
    with pytest.raises(CommandError, match="No organisation"):
        call_command("export_org", "no-such-organisation", str(exports / "x.zip"))
    assert Organisation.objects.count() == count
