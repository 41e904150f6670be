"""The organisation archive: every row of one organisation, one JSON file per model, plus the
files of its message attachments, in a versioned zip with a manifest of counts and sha256
checksums. ``export_organisation`` writes it; ``import_organisation`` loads it into an
installation that does not have that organisation, with new primary keys.

Which models are exported is explicit (``EXPORTED``, with the lookups from a row to its
organisation) and checked against what the models say (``discover``): a new model with a path
to an organisation fails a test until it is exported here or excluded with a reason."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.messaging import attachments as files
from rapport.portability.backup import rapport_version
from rapport.tenancy.models import Membership, Organisation, User

FORMAT = "rapport-organisation"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024

# model label → the lookups from a row to its organisation (a row is exported when any holds).
EXPORTED: dict[str, tuple[str, ...]] = {
    "tenancy.Membership": ("organisation",),
    "tenancy.Invitation": ("organisation",),
    "audit.AuditEvent": ("organisation",),
    "notify.OutboundEmail": ("organisation",),
    "notify.Notification": ("organisation",),
    "notify.NotificationPreference": (
        "contact__organisation",
        "user__memberships__organisation",
        "user__contacts__organisation",
    ),
    "clients.Client": ("organisation",),
    "clients.Contact": ("organisation",),
    "clients.PortalInvitation": ("contact__organisation",),
    "clients.ClientHealthSettings": ("organisation",),
    "clients.ClientHealthSnapshot": ("organisation",),
    "clients.ClientImport": ("organisation",),
    "projects.Project": ("organisation",),
    "projects.ProjectMember": ("project__organisation",),
    "projects.Objective": ("project__organisation",),
    "projects.Milestone": ("project__organisation",),
    "projects.Deliverable": ("project__organisation",),
    "projects.DeliverableDecision": ("deliverable__project__organisation",),
    "projects.BudgetLine": ("project__organisation",),
    "projects.QualityStandard": ("project__organisation",),
    "projects.BaselineVersion": ("project__organisation",),
    "projects.CostEntry": ("project__organisation",),
    "projects.TimeEntry": ("project__organisation",),
    "changes.ChangeRequest": ("project__organisation",),
    "changes.CostImpact": ("change_request__project__organisation",),
    "changes.Decision": ("change_request__project__organisation",),
    "reports.StatusReport": ("project__organisation",),
    "reports.ReportAcknowledgement": ("report__project__organisation",),
    "reports.ReportThread": ("report__project__organisation",),
    "reports.ReportMessage": ("thread__report__project__organisation",),
    "communication.Stakeholder": ("project__organisation",),
    "communication.PlanItem": ("project__organisation",),
    "communication.Interaction": ("organisation",),
    "communication.DigestSent": ("membership__organisation",),
    "risks.Risk": ("project__organisation",),
    "risks.Issue": ("project__organisation",),
    "risks.Conflict": ("organisation",),
    "risks.ConflictStep": ("conflict__organisation",),
    "risks.Evidence": (
        "conflict__organisation",
        "issue__project__organisation",
        "change_request__project__organisation",
        "status_report__project__organisation",
    ),
    "feedback.SurveyTemplate": ("organisation",),
    "feedback.Question": ("template__organisation",),
    "feedback.Survey": ("organisation",),
    "feedback.SurveyInvitation": ("survey__organisation",),
    "feedback.Feedback": ("organisation",),
    "feedback.FollowUp": ("project__organisation",),
    "feedback.ImprovementAction": ("organisation",),
    "feedback.PmRating": ("project__organisation",),
    "feedback.FeedbackSettings": ("organisation",),
    "feedback.SurveySchedule": ("project__organisation",),
    "feedback.ScheduledSending": ("schedule__project__organisation",),
    "closure.Closure": ("project__organisation",),
    "closure.ClosureSettings": ("organisation",),
    "closure.CheckIn": ("project__organisation",),
    "lessons.Lesson": ("organisation",),
    "lessons.LessonTerm": ("organisation",),
    "mailin.InboundEmail": ("organisation",),
    "messaging.Thread": ("project__organisation",),
    "messaging.Message": ("thread__project__organisation",),
    "messaging.MessageAttachment": ("message__thread__project__organisation",),
    "messaging.ThreadRead": ("thread__project__organisation",),
    "meetings.MeetingSeries": ("project__organisation",),
    "meetings.Meeting": ("project__organisation",),
    "meetings.AgendaItem": ("meeting__project__organisation",),
    "meetings.Minutes": ("meeting__project__organisation",),
    "meetings.MinutesVersion": ("minutes__meeting__project__organisation",),
    "meetings.MinutesResponse": ("version__minutes__meeting__project__organisation",),
    "meetings.Decision": ("meeting__project__organisation",),
    "meetings.ActionItem": ("project__organisation",),
    "webhooks.WebhookSubscription": ("organisation",),
    "webhooks.WebhookDelivery": ("organisation",),
    "webhooks.WebhookAttempt": ("delivery__organisation",),
}

# model label → why its rows are not in the archive.
EXCLUDED: dict[str, str] = {
    "tenancy.Organisation": "the archive's organisation.json",
    "tenancy.User": "the archive's users.json: people are matched by email or created",
    "tenancy.ApiToken": "credentials: people create new API tokens on the new installation",
    "mailin.ReplyToken": "reply addresses belong to the old installation's mail domain",
    "portability.OrganisationExport": "the export requests and files of this installation",
    "tenancy.TwoFactor": "credentials: people set their second factor up again",
    "tenancy.RecoveryCode": "credentials: new recovery codes come with a new second factor",
    "tenancy.ApiIdempotencyKey": "short-lived replies to API tokens, which are not exported",
    "tenancy.ApiRateWindow": "short-lived rate-limit counts of API tokens",
    "core.RateLimitCounter": "short-lived rate-limit counts of this installation",
    "onboarding.SetupGuide": "the first minutes of an organisation on this installation",
    "reports.ProjectHealth": "computed from the projects' data, again on the first read",
    "lessons.ProjectTerms": "read again from the projects' words by the job worker",
}

AUDIT = "audit.AuditEvent"
USER_FIELDS = ("email", "full_name", "language", "time_zone", "is_active", "date_joined")


class ArchiveError(Exception):
    """An archive that cannot be read or loaded, with the reason for the person."""


def rapport_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("rapport.") and not model._meta.auto_created
    ]


def discover() -> dict[str, str]:
    """Every Rapport model with a path of foreign keys to ``Organisation``: label → the
    shortest lookup."""
    found = {}
    for model in rapport_models():
        if model is Organisation:
            continue
        queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
        seen = {model}
        while queue:
            current, path = queue.popleft()
            targets = [
                (f.name, f.related_model)
                for f in current._meta.concrete_fields
                if f.is_relation and isinstance(f.related_model, type)
            ]
            hit = next((name for name, target in targets if target is Organisation), None)
            if hit:
                found[model._meta.label] = f"{path}{hit}"
                break
            for name, target in targets:
                if target not in seen and target is not User:
                    seen.add(target)
                    queue.append((target, f"{path}{name}__"))
    return found


def _label(model: Any) -> str:
    return str(model._meta.label)


def model_of(label: str) -> type[models.Model]:
    return apps.get_model(label)


def rows_of(label: str, organisation: Organisation) -> models.QuerySet[Any]:
    model = model_of(label)
    condition = Q()
    for lookup in EXPORTED[label]:
        condition |= Q(**{lookup: organisation})
    manager = model._default_manager
    return manager.filter(pk__in=manager.filter(condition).values("pk")).order_by("pk")


def _file_name(label: str) -> str:
    return f"data/{label.lower()}.json"


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def _m2m(model: type[models.Model]) -> list[models.ManyToManyField[Any, Any]]:
    return [
        f
        for f in model._meta.many_to_many
        if isinstance(f, models.ManyToManyField)
        and getattr(f.remote_field, "through", None) is not None
        and f.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]


def _content_type_label(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def _row(obj: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.ForeignKey) and f.related_model is ContentType and value:
            value = _content_type_label(value)
        values[f.attname] = value
    row: dict[str, Any] = {"id": obj.pk, "fields": values}
    m2m = {
        f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in _m2m(type(obj))
    }
    if m2m:
        row["m2m"] = m2m
    return row


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _dump(value: Any) -> bytes:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False, indent=1).encode()


@dataclass
class _Writer:
    archive: zipfile.ZipFile
    manifest_files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, data: bytes, *, count: int | None = None) -> None:
        self.archive.writestr(name, data)
        entry: dict[str, Any] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        if count is not None:
            entry["count"] = count
        self.manifest_files[name] = entry

    def add_file(self, name: str, path: Path) -> None:
        digest = hashlib.sha256()
        with path.open("rb") as source, self.archive.open(name, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
        self.manifest_files[name] = {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def _people(organisation: Organisation, rows: dict[str, list[dict[str, Any]]]) -> list[User]:
    ids: set[int] = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    for label, data in rows.items():
        for f in _foreign_keys(model_of(label)):
            if f.related_model is User:
                ids.update(row["fields"][f.attname] for row in data if row["fields"][f.attname])
        for relation in _m2m(model_of(label)):
            if relation.related_model is User:
                for row in data:
                    ids.update(row.get("m2m", {}).get(relation.name, []))
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _snapshot() -> None:
    """Every query of the export reads one state: PostgreSQL gets a repeatable-read snapshot;
    SQLite's transaction (immediate) holds other writers back until the export is read."""
    outermost = len(connection.atomic_blocks) == 1  # inside another transaction, its snapshot
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def export_organisation(*, organisation: Organisation, target: Path) -> dict[str, Any]:
    """Write the archive of ``organisation`` to ``target`` (a zip); return its manifest. Read
    in one transaction, so the archive is one consistent state."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        with transaction.atomic(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            _snapshot()
            writer = _Writer(zf)
            rows = {
                label: [_row(obj) for obj in rows_of(label, organisation)]
                for label in sorted(EXPORTED)
            }
            organisation_row = _row(organisation)
            writer.add("organisation.json", _dump(organisation_row), count=1)
            people = _people(organisation, rows)
            users = [
                {"id": user.pk, "fields": {name: getattr(user, name) for name in USER_FIELDS}}
                for user in people
            ]
            writer.add("users.json", _dump(users), count=len(users))
            for label, data in rows.items():
                writer.add(_file_name(label), _dump(data), count=len(data))
            for row in rows["messaging.MessageAttachment"]:
                stored_name = row["fields"]["stored_name"]
                try:
                    path = files.path_of(stored_name)
                    writer.add_file(f"attachments/{stored_name}", path)
                except OSError:
                    row["missing"] = True  # noted in the manifest below
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "rapport_version": rapport_version(),
                "created_at": timezone.now().isoformat(),
                "organisation": {
                    "id": organisation.pk,
                    "slug": organisation.slug,
                    "name": organisation.name,
                },
                "models": {label: _file_name(label) for label in sorted(EXPORTED)},
                "missing_attachments": [
                    row["fields"]["stored_name"]
                    for row in rows["messaging.MessageAttachment"]
                    if row.get("missing")
                ],
                "files": writer.manifest_files,
            }
            zf.writestr("manifest.json", _dump(manifest))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# --- reading and importing ---------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """Open the archive and check it whole: format, version and every file's checksum."""
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                manifest = json.loads(zf.read("manifest.json"))
            except (KeyError, ValueError) as error:
                raise ArchiveError("This file is not a Rapport organisation archive.") from error
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise ArchiveError("This file is not a Rapport organisation archive.")
            version = manifest.get("format_version")
            if not isinstance(version, int) or version > FORMAT_VERSION:
                raise ArchiveError(
                    f"This archive has format {version}, newer than this Rapport reads "
                    f"({FORMAT_VERSION}): import it with Rapport "
                    f"{manifest.get('rapport_version')} or later."
                )
            listed = manifest.get("files") or {}
            present = set(zf.namelist()) - {"manifest.json"}
            if present != set(listed):
                raise ArchiveError("The archive's files do not match its manifest: corrupt.")
            for name, expected in listed.items():
                digest = hashlib.sha256()
                with zf.open(name) as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                if digest.hexdigest() != expected.get("sha256"):
                    raise ArchiveError(f"{name} in the archive is corrupt (checksum mismatch).")
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveError(f"The archive cannot be read: {error}") from error
    return manifest


def import_order() -> tuple[list[str], dict[str, set[str]]]:
    """The exported models, each after the models its foreign keys point to; where they point
    at each other (a cycle), the nullable keys that close it are filled in afterwards.
    Returns the order and, per model, those deferred fields (attnames)."""
    remaining = set(EXPORTED)
    done: set[str] = set()
    order: list[str] = []
    deferred: dict[str, set[str]] = {}

    def needs(label: str, *, nullable_too: bool) -> set[str]:
        wanted = set()
        for f in _foreign_keys(model_of(label)):
            target = _label(f.related_model)
            if target in EXPORTED and target != label and (nullable_too or not f.null):
                wanted.add(target)
        return wanted

    remaining.discard(AUDIT)  # last: its events name rows of every other model
    while remaining:
        ready = sorted(m for m in remaining if needs(m, nullable_too=True) <= done)
        if not ready:
            ready = sorted(m for m in remaining if needs(m, nullable_too=False) <= done)[:1]
            if not ready:
                raise ArchiveError("The models' foreign keys form a cycle with no nullable key.")
            label = ready[0]
            deferred[label] = {
                f.attname
                for f in _foreign_keys(model_of(label))
                if f.related_model._meta.label not in done
                and f.related_model._meta.label in EXPORTED
                and f.related_model._meta.label != label
            }
        for label in ready:
            order.append(label)
            done.add(label)
            remaining.discard(label)
    return [*order, AUDIT], deferred


@dataclass
class _Importer:
    zf: zipfile.ZipFile
    organisation: Organisation
    users: dict[int, int] = field(default_factory=dict)
    matched_users: set[int] = field(default_factory=set)  # old ids of people who existed
    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    pending: list[tuple[models.Model, str, str, int]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def read(self, name: str) -> Any:
        return json.loads(self.zf.read(name))

    def new_id(self, label: str, old: int, *, model: str) -> int:
        try:
            return self.ids[label][old]
        except KeyError:
            raise ArchiveError(f"{model} refers to a {label} ({old}) not in the archive.") from None

    def target_of(self, f: models.ForeignKey[Any, Any], old: Any, label: str) -> Any:
        if old is None:
            return None
        target = f.related_model
        if target is Organisation:
            if old != self.source_organisation_id:
                raise ArchiveError(f"{label} belongs to another organisation.")
            return self.organisation.pk
        if target is User:
            if old not in self.users:
                raise ArchiveError(f"{label} refers to a person not in the archive.")
            return self.users[old]
        if target is ContentType:
            app_label, name = str(old).split(".", 1)
            return ContentType.objects.get_by_natural_key(app_label, name).pk
        return self.new_id(target._meta.label, old, model=label)

    source_organisation_id: int = 0


def _match_people(importer: _Importer, people: list[dict[str, Any]]) -> None:
    for person in people:
        values = person["fields"]
        email = str(values["email"]).strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(**{name: values[name] for name in USER_FIELDS if name != "date_joined"})
            user.date_joined = models.DateTimeField().to_python(values["date_joined"])
            user.set_unusable_password()  # they choose a password through "forgot password"
            user.save()
        else:
            importer.matched_users.add(person["id"])
        importer.users[person["id"]] = user.pk


def _build(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    obj = model()
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname not in values:
            continue
        value = values[f.attname]
        setattr(obj, f.attname, value if f.is_relation else f.to_python(value))
    return obj


def _copy_attachment(importer: _Importer, attachment: Any, old_name: str) -> None:
    name = f"attachments/{old_name}"
    if name not in importer.zf.namelist():
        return
    project_id = attachment.message.thread.project_id
    stored_name = f"{importer.organisation.pk}/{project_id}/{secrets.token_hex(16)}"
    path = files.path_of(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    importer.written.append(stored_name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as target, importer.zf.open(name) as source:
        while chunk := source.read(CHUNK):
            target.write(chunk)
    type(attachment)._default_manager.filter(pk=attachment.pk).update(stored_name=stored_name)


def _audit_object_id(importer: _Importer, values: dict[str, Any]) -> str:
    label = str(values["content_type_id"])
    object_id = str(values["object_id"])
    model = next(
        (name for name in importer.ids if name.lower() == label),
        None,
    )
    if not object_id.isdigit():
        return object_id
    old = int(object_id)
    if model is not None and old in importer.ids[model]:
        return str(importer.ids[model][old])
    if label == "tenancy.organisation" and old == importer.source_organisation_id:
        return str(importer.organisation.pk)
    if label == "tenancy.user" and old in importer.users:
        return str(importer.users[old])
    return object_id


def import_organisation(*, path: Path) -> Organisation:
    """Load the archive into this installation, in one transaction: new primary keys, people
    matched by email or created without a usable password, attachments copied. Refuses an
    archive that is damaged, of a newer format, or of an organisation already here."""
    manifest = read_manifest(path)
    slug = str(manifest.get("organisation", {}).get("slug", ""))
    if Organisation.objects.filter(slug=slug).exists():
        raise ArchiveError(
            f"An organisation with the short name “{slug}” already exists here: "
            "the archive is imported only into an installation without it."
        )
    unknown = set(manifest.get("models", {})) - set(EXPORTED)
    if unknown:
        raise ArchiveError(f"The archive holds models this Rapport does not know: {unknown}.")
    order, deferred = import_order()
    with zipfile.ZipFile(path) as zf:
        importer = _Importer(zf=zf, organisation=Organisation())
        try:
            with transaction.atomic():
                _load(importer, manifest, order, deferred)
        except BaseException:
            for stored_name in importer.written:
                files.remove(stored_name)
            raise
    return importer.organisation


def _load(
    importer: _Importer, manifest: dict[str, Any], order: list[str], deferred: dict[str, set[str]]
) -> None:
    source = importer.read("organisation.json")
    importer.source_organisation_id = source["id"]
    organisation = _build(Organisation, source["fields"])
    assert isinstance(organisation, Organisation)
    organisation.save_base(raw=True)
    importer.organisation = organisation
    _match_people(importer, importer.read("users.json"))
    m2m_rows: list[tuple[models.Model, dict[str, list[int]]]] = []
    attachments: list[tuple[models.Model, str]] = []
    for label in order:
        model = model_of(label)
        name = manifest["models"].get(label)
        data = importer.read(name) if name else []
        mapping = importer.ids.setdefault(label, {})
        keys = _foreign_keys(model)
        for row in data:
            values = dict(row["fields"])
            if label == "notify.NotificationPreference" and (
                values.get("user_id") in importer.matched_users
            ):
                continue  # a person who is already here keeps their own choices
            later: list[tuple[str, str, int]] = []
            for f in keys:
                old = values.get(f.attname)
                target_label = _label(f.related_model)
                if old is not None and (
                    f.attname in deferred.get(label, set())
                    or (target_label == label and old not in mapping)
                ):
                    later.append((f.attname, target_label, old))
                    values[f.attname] = None
                else:
                    values[f.attname] = importer.target_of(f, old, label)
            if label == AUDIT:
                values["object_id"] = _audit_object_id(importer, row["fields"])
            obj = _build(model, values)
            obj.save_base(raw=True)
            mapping[row["id"]] = obj.pk
            importer.pending.extend((obj, attname, target, old) for attname, target, old in later)
            if row.get("m2m"):
                m2m_rows.append((obj, row["m2m"]))
            if label == "messaging.MessageAttachment":
                attachments.append((obj, row["fields"]["stored_name"]))
    for obj, attname, target, old in importer.pending:
        new = importer.new_id(target, old, model=obj._meta.label)
        type(obj)._default_manager.filter(pk=obj.pk).update(**{attname: new})
    for obj, relations in m2m_rows:
        for relation in _m2m(type(obj)):
            old_ids = relations.get(relation.name, [])
            related: Any = relation.related_model
            if related is User:
                new_ids = [importer.users[old] for old in old_ids]
            else:
                new_ids = [
                    importer.new_id(_label(related), old, model=obj._meta.label) for old in old_ids
                ]
            getattr(obj, relation.name).set(new_ids)
    for attachment, old_name in attachments:
        _copy_attachment(importer, attachment, old_name)


def organisation_by_reference(reference: str) -> Organisation:
    """An organisation by its short name or id, for the command line."""
    found = Organisation.objects.filter(slug=reference).first()
    if found is None and reference.isdigit():
        found = Organisation.objects.filter(pk=int(reference)).first()
    if found is None:
        raise ArchiveError(f"No organisation “{reference}” here (give its short name or id).")
    return found
