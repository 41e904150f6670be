"""Importing clients and contacts from an uploaded list: upload, map columns, check every row
with the clients' own forms, then write the rows through ``client_create`` and
``contact_create`` in one transaction, once.

A row names a client (matched by name, in any letter case, among the organisation's own
clients; a new name creates the client) and, optionally, a contact of that client. Nothing is
written while any row has an error unless the user asks for the valid rows only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.audit import services as audit
from rapport.clients import permissions, selectors, services
from rapport.clients.forms import ClientForm, ContactForm
from rapport.clients.import_files import FIELDS, guess_mapping, read_table
from rapport.clients.models import Client, ClientImport
from rapport.core.services import require
from rapport.tenancy.actors import Actor
from rapport.tenancy.models import Language, normalize_email

CONTACT_PARTS = ("full_name", "email", "phone", "job_title")
LANGUAGE_NAMES = {
    "en": Language.ENGLISH,
    "english": Language.ENGLISH,
    "英文": Language.ENGLISH,
    "英语": Language.ENGLISH,
    "zh-hans": Language.CHINESE,
    "zh": Language.CHINESE,
    "zh-cn": Language.CHINESE,
    "chinese": Language.CHINESE,
    "中文": Language.CHINESE,
    "简体中文": Language.CHINESE,
    "汉语": Language.CHINESE,
}


@dataclass
class RowError:
    row: int
    field: str  # a key of FIELDS, or "" for the row as a whole
    message: str

    @property
    def field_label(self) -> str:
        return str(FIELDS[self.field]) if self.field else ""


@dataclass
class PlannedRow:
    """A row that passed every check: the client it belongs to and what it creates."""

    row: int
    client_key: str  # the client's name, lower-cased
    existing_client: Client | None
    client_values: dict[str, Any]
    contact_values: dict[str, Any] | None


@dataclass
class Check:
    planned: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors})


def _form_errors(form: Any, row: int, fields: dict[str, str]) -> list[RowError]:
    """A form's errors as row errors; ``fields`` maps the form's field names to ours."""
    return [
        RowError(row, fields.get(name, ""), str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]


def _language(value: str, default: str) -> str | None:
    if not value:
        return default
    return LANGUAGE_NAMES.get(value.strip().lower())


def check_rows(*, actor: Actor, client_import: ClientImport) -> Check:
    """Every row checked against the mapping, the forms and the organisation's clients and
    contacts; two queries whatever the number of rows. Messages are in the active language."""
    mapping = client_import.mapping
    rows = [
        (
            number,
            {name: cells[index] if index is not None else "" for name, index in mapping.items()},
        )
        for number, cells in client_import.rows
    ]
    names = {values["client_name"].lower() for _n, values in rows if values["client_name"]}
    existing: dict[str, Client] = {
        client.name.lower(): client
        for client in selectors.clients_visible_to(actor)
        .alias(lower_name=Lower("name"))
        .filter(lower_name__in=names)
    }
    taken = set(
        selectors.contacts_visible_to(actor)
        .filter(client__in=existing.values())
        .exclude(email="")
        .values_list("client_id", Lower("email"))
    )
    default_language = getattr(actor.user, "language", Language.ENGLISH)
    check = Check()
    seen: dict[tuple[str, str], int] = {}
    for number, values in rows:
        errors, planned = _check_row(number, values, existing, taken, seen, default_language)
        check.errors.extend(errors)
        if planned is not None and not errors:
            check.planned.append(planned)
    return check


def _check_row(
    number: int,
    values: dict[str, str],
    existing: dict[str, Client],
    taken: set[tuple[int, str]],
    seen: dict[tuple[str, str], int],
    default_language: str,
) -> tuple[list[RowError], PlannedRow | None]:
    name = values["client_name"]
    if not name:
        return [RowError(number, "client_name", _("Enter the client's name."))], None
    key = name.lower()
    client = existing.get(key)
    language = _language(values["language"], client.language if client else default_language)
    if language is None:
        return [
            RowError(
                number,
                "language",
                _("Unknown language “%(value)s”: use en, zh-hans, English or 中文.")
                % {"value": values["language"][:40]},
            )
        ], None
    errors: list[RowError] = []
    client_values = {
        "name": name,
        "website": values["client_website"],
        "language": language,
        "notes": "",
    }
    if client is None:
        form = ClientForm(data=client_values)
        errors += _form_errors(form, number, {"name": "client_name", "website": "client_website"})
        client_values = form.cleaned_data if form.is_valid() else client_values
    contact_values = None
    if any(values[part] for part in CONTACT_PARTS):
        contact_values, contact_errors = _check_contact(number, values, language)
        errors += contact_errors
        email = normalize_email(values["email"])
        if email and not contact_errors:
            if client is not None and (client.pk, email) in taken:
                errors.append(
                    RowError(
                        number,
                        "email",
                        _("%(client)s already has a contact with this email.")
                        % {"client": client.name},
                    )
                )
            elif (key, email) in seen:
                errors.append(
                    RowError(
                        number,
                        "email",
                        _("This email is already on row %(row)s for the same client.")
                        % {"row": seen[(key, email)]},
                    )
                )
            else:
                seen[(key, email)] = number
    return errors, PlannedRow(number, key, client, client_values, contact_values)


def _check_contact(
    number: int, values: dict[str, str], language: str
) -> tuple[dict[str, Any] | None, list[RowError]]:
    form = ContactForm(
        data={
            "full_name": values["full_name"],
            "email": values["email"],
            "phone": values["phone"],
            "job_title": values["job_title"],
            "language": language,
            "time_zone": "UTC",
        }
    )
    if form.is_valid():
        return form.cleaned_data, []
    return None, _form_errors(form, number, {part: part for part in CONTACT_PARTS})


@transaction.atomic
def client_import_upload(*, actor: Actor, upload: IO[bytes], name: str, size: int) -> ClientImport:
    """Read the file and keep its rows, with a guessed column mapping, for the actor to
    check; nothing is imported yet."""
    require(permissions.can_import_clients(actor))
    table = read_table(upload, size)
    assert actor.user is not None  # a manager is a signed-in member
    client_import = ClientImport.objects.create(
        organisation_id=actor.organisation_id,
        owner=actor.user,
        file_name=name[:255],
        headers=table.headers,
        rows=table.rows,
        mapping=guess_mapping(table.headers),
    )
    audit.record(
        actor=actor,
        action="created",
        obj=client_import,
        changes={"file_name": [None, client_import.file_name], "rows": [None, len(table.rows)]},
    )
    return client_import


@transaction.atomic
def client_import_map(
    *, actor: Actor, client_import: ClientImport, mapping: dict[str, int | None]
) -> ClientImport:
    """Say which column holds which field; each column feeds one field at most."""
    require(permissions.can_use_client_import(actor, client_import))
    client_import = ClientImport.objects.select_for_update().get(pk=client_import.pk)
    _require_pending(client_import)
    columns = [index for index in mapping.values() if index is not None]
    if set(mapping) != set(FIELDS) or any(
        not 0 <= index < len(client_import.headers) for index in columns
    ):
        raise ValidationError(_("Choose a column of the file for each field."))
    if len(columns) != len(set(columns)):
        raise ValidationError(_("A column can feed one field only."))
    if mapping["client_name"] is None:
        raise ValidationError({"client_name": _("Choose the column with the client's name.")})
    if mapping != client_import.mapping:
        audit.record(
            actor=actor,
            action="updated",
            obj=client_import,
            changes={"mapping": [client_import.mapping, mapping]},
        )
        client_import.mapping = mapping
        client_import.save(update_fields=["mapping", "updated_at"])
    return client_import


def _require_pending(client_import: ClientImport) -> None:
    if client_import.status != ClientImport.Status.PENDING:
        raise ValidationError(_("This import has already run; nothing was imported twice."))


@transaction.atomic
def client_import_run(
    *, actor: Actor, client_import: ClientImport, valid_rows_only: bool = False
) -> ClientImport:
    """Create the clients and contacts of the rows, each through its service (so each has its
    audit event), in one transaction; the import is consumed, so a second run writes
    nothing."""
    require(permissions.can_use_client_import(actor, client_import))
    client_import = ClientImport.objects.select_for_update().get(pk=client_import.pk)
    _require_pending(client_import)
    check = check_rows(actor=actor, client_import=client_import)
    if check.errors and not valid_rows_only:
        count = check.rows_with_errors
        raise ValidationError(
            ngettext(
                "%(count)s row has errors. Correct the file, or import only the valid rows.",
                "%(count)s rows have errors. Correct the file, or import only the valid rows.",
                count,
            )
            % {"count": count}
        )
    if not check.planned:
        raise ValidationError(_("No row can be imported."))
    clients: dict[str, Client] = {}
    created = {"clients": 0, "contacts": 0}
    for planned in check.planned:
        client = planned.existing_client or clients.get(planned.client_key)
        if client is None:
            client = services.client_create(actor=actor, **planned.client_values)
            created["clients"] += 1
        clients[planned.client_key] = client
        if planned.contact_values is not None:
            services.contact_create(actor=actor, client=client, **planned.contact_values)
            created["contacts"] += 1
    client_import.status = ClientImport.Status.IMPORTED
    client_import.result = {**created, "skipped_rows": check.rows_with_errors}
    client_import.save(update_fields=["status", "result", "updated_at"])
    audit.record(
        actor=actor,
        action="imported",
        obj=client_import,
        changes={name: [None, count] for name, count in client_import.result.items()},
    )
    return client_import
