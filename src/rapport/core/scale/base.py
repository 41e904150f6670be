"""What every part of the scale loader shares: the organisation and its people, one project's
facts, the seeded random streams, timestamps that bulk inserts keep, and the audit events
the loader writes in bulk instead of one by one."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from time import monotonic
from types import SimpleNamespace
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from rapport.clients.models import Client, Contact
from rapport.core.scale.progress import Progress
from rapport.projects.models import Project
from rapport.tenancy.models import Organisation, User

BATCH = 2_000
T = TypeVar("T")


@dataclass
class Site:
    """One project as the loader knows it while it fills it."""

    index: int
    project: Project
    client: Client
    contacts: list[Contact]
    approver: Contact
    pm: User
    members: list[User]
    language: str
    # The days the project has been running: from its start until today or its end.
    first_day: date
    last_day: date

    @property
    def span(self) -> int:
        return max((self.last_day - self.first_day).days, 1)

    @property
    def running(self) -> bool:
        return self.project.status != Project.Status.PROPOSED


@dataclass
class Audit:
    """An audit event to write: on what (content type, id, label), by whom, when."""

    content_type_id: int
    object_id: int
    object_repr: str
    action: str
    at: datetime
    changes: dict[str, Any] = field(default_factory=dict)
    contact: Contact | None = None


class Loader:
    """The organisation being filled, its people and the reproducible random streams."""

    def __init__(
        self, organisation: Organisation, *, seed: int, today: date, progress: Progress
    ) -> None:
        self.organisation = organisation
        self.seed = seed
        self.today = today
        self.now = timezone.now()
        self.progress = progress
        self.members: dict[str, list[User]] = {}
        self._content_types: dict[type[models.Model], int] = {}
        self.timings: dict[str, float] = {}

    def timed[R](self, step: str, work: Callable[..., R], *args: Any) -> R:
        """Run one step of the load, adding its seconds to ``timings``."""
        started = monotonic()
        try:
            return work(*args)
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + monotonic() - started

    def rng(self, *topic: object) -> random.Random:
        """A random stream of its own for each topic, so one part of the data never shifts
        another and the same seed always gives the same organisation."""
        return random.Random(":".join(str(part) for part in (self.seed, *topic)))

    def moment(self, day: date, rng: random.Random) -> datetime:
        """A time in working hours on ``day``, never in the future."""
        at = datetime.combine(day, time(8, 0), tzinfo=timezone.get_current_timezone())
        at += timedelta(minutes=rng.randrange(0, 10 * 60))
        return min(at, self.now - timedelta(minutes=rng.randrange(1, 600)))

    def content_type(self, model: type[models.Model]) -> int:
        from django.contrib.contenttypes.models import ContentType

        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model).pk
        return self._content_types[model]

    def insert(self, model: type[models.Model], rows: Sequence[T], step: str) -> Sequence[T]:
        """Write the rows (their primary keys set) and move the progress bar."""
        if rows:
            write(model, rows)
        self.progress.advance(len(rows) if model in counted_models() else 0, step)
        return rows


@cache
def counted_models() -> frozenset[type[models.Model]]:
    """The tables the plan counts (the progress bar's total); the rest ride along."""
    return frozenset(
        apps.get_model(label)
        for label in (
            "clients.Client",
            "clients.Contact",
            "projects.Project",
            "projects.Milestone",
            "changes.ChangeRequest",
            "reports.StatusReport",
            "communication.Interaction",
            "messaging.Message",
            "feedback.Feedback",
            "meetings.Meeting",
            "meetings.ActionItem",
            "lessons.Lesson",
            "audit.AuditEvent",
        )
    )


def days_between(first: date, last: date, count: int) -> list[date]:
    """``count`` days spread evenly from ``first`` to ``last``."""
    if count <= 0:
        return []
    span = max((last - first).days, 0)
    return [first + timedelta(days=span * (i + 1) // (count + 1)) for i in range(count)]


@cache
def light(model: type[models.Model]) -> Callable[..., Any]:
    """A maker of plain rows for ``model`` (its columns by attribute name, defaults filled):
    for the biggest tables, where building model instances would cost more than writing."""
    defaults = {
        field.attname: None if field.primary_key else field.get_default()
        for field in model._meta.concrete_fields
    }

    def make(**values: Any) -> SimpleNamespace:
        return SimpleNamespace(**{**defaults, **values})

    return make


def write(model: type[models.Model], rows: Sequence[Any]) -> None:
    """A bulk insert without the ORM's per-row compilation (several times faster than
    ``bulk_create`` at this size): primary keys reserved first and set on the rows, values read
    from their attributes and prepared per column, ``executemany`` in batches. What
    ``auto_now``/``auto_now_add`` would set is kept if the loader gave a time."""
    meta = model._meta
    ids = _reserve_ids(model, len(rows))
    for row, pk in zip(rows, ids, strict=True):
        setattr(row, meta.pk.attname, pk)
        if isinstance(row, models.Model):
            row._state.adding, row._state.db = False, connection.alias
    fields = list(meta.concrete_fields)
    readers = [_reader(field) for field in fields]
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [tuple(read(row) for read in readers) for row in rows[start : start + BATCH]]
            )


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """The next ``count`` ids of the table: from its sequence on PostgreSQL (safe beside other
    writers); after its highest id on SQLite, whose write lock the loader's transaction holds."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        column, quoted = connection.ops.quote_name(str(model._meta.pk.column)), quote(table)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {quoted}")  # noqa: S608
        highest = cursor.fetchone()[0]
    return list(range(highest + 1, highest + 1 + count))


PREPARED = (models.DateField, models.DecimalField, models.JSONField, models.GenericIPAddressField)


def _reader(field: models.Field[Any, Any]) -> Any:
    attname = field.attname
    stamped = isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
    related = field.is_relation
    prepared = isinstance(field, PREPARED)

    def read(row: Any) -> Any:
        value = getattr(row, attname)
        if value is None:
            if related and isinstance(row, models.Model):  # an object saved after
                target = field.get_cached_value(row, None)  # type: ignore[attr-defined]
                value = target.pk if target is not None else None
            elif stamped:
                value = timezone.now()
                setattr(row, attname, value)
        if prepared and value is not None:
            value = field.get_db_prep_save(value, connection)
        return value

    return read
