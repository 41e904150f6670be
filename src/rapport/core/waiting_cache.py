"""What waits for a member, kept in the cache so that it is not worked out again on every page.

- The home page's sections are kept, each while nothing it reads changes: each audit event
  moves on the version of its record's app (``rapport.core.versions``). A section reads every
  app's version but those of the ``SECTION_APPS`` it does not read: a client's message moves
  ``messaging`` on, and only the sections reading it are worked out again; a change to a
  project, a client or the organisation's people works every section out again.
- Owners and admins see every project and read the organisation's versions. A project manager
  or team member reads, for the section apps, versions of their own, which a record of one of
  their projects moves on (``record_changed``), and a record of no project (a client's
  conflict) moves on for everyone: another manager's busy day leaves their sections kept.
- The count beside Home in the navigation, on every other page, is the sum of the sections'
  totals under the same versions: a section the home page keeps gives its total, any other
  is counted (its lines are not read) and its count kept. So a change anyone makes shows in
  the count at once, and counts again only the sections reading its app.

A minute's expiry also covers what falls due with time. The cache is shared by every process
of the installation (a SQLite file on one machine, Redis in the scaled tier), so a change made
through one web worker is seen by the next page another serves."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone, translation

from rapport.core.versions import app_key, digest, move_on, of_every_app, versions_of
from rapport.projects.models import Project
from rapport.tenancy.actors import Actor

EXPIRES = 60  # seconds
# The apps only some sections read (each says which in ``Section.reads``); every section reads
# every other app (projects, clients, tenancy…).
SECTION_APPS = frozenset(
    ("changes", "closure", "communication", "feedback", "meetings", "messaging", "reports", "risks")
)


class Kept(Protocol):
    """What the home page keeps: a section, named by its key, and the apps it reads."""

    @property
    def key(self) -> str: ...

    @property
    def reads(self) -> Collection[str]: ...


PARENTS = ("change_request", "thread", "meeting", "minutes", "report", "survey")


def project_of(record: models.Model) -> int | None:
    """The project a record belongs to: its own ``project_id``, or its parent's (a change
    request's, a thread's, a meeting's…, two levels up at most); None when it has none."""
    for _level in range(3):
        project_id = getattr(record, "project_id", None)
        if isinstance(project_id, int):
            return project_id
        parent = next(
            (name for name in PARENTS if getattr(record, f"{name}_id", None) is not None), None
        )
        if parent is None:
            return None
        try:
            record = getattr(record, parent)
        except ObjectDoesNotExist:  # deleted first: moved on for everyone
            return None
    return None


def _everyone_key(organisation_id: int | None, app: str) -> str:
    return f"{app_key(organisation_id, app)}:everyone"


def _team_key(organisation_id: int | None, app: str, user_id: int | None) -> str:
    return f"{app_key(organisation_id, app)}:user:{user_id}"


def record_changed(organisation_id: int | None, record: models.Model) -> None:
    """A record of an app only some sections read changed (``record_changed`` of
    ``rapport.core.versions`` moves the organisation's version on for everything else): the
    sections reading it are worked out again for those who may see it. A project's record:
    for its manager and team (owners and admins, who see every project, read the
    organisation's versions); any other record: for everyone."""
    app = record._meta.app_label
    if app not in SECTION_APPS:
        return
    project_id = project_of(record)
    if project_id is None:
        move_on(_everyone_key(organisation_id, app))
        return
    team = {  # one query: the manager, and each member (None when there is none)
        user_id
        for row in Project.objects.filter(pk=project_id).values_list("pm_id", "memberships__user")
        for user_id in row
        if user_id is not None
    }
    for user_id in team:
        move_on(_team_key(organisation_id, app, user_id))


def sections[S: Kept](actor: Actor, wanted: Sequence[S], compute: Callable[[S], Any]) -> list[Any]:
    """The home page's sections, each computed once for the member's day and language (a
    line's wording and what is overdue depend on both) while nothing it reads changes; what
    ``compute`` returned for each, in order, leaving out the sections it returned None for.
    One look at the cache for the versions (two for a manager or team member), then one for
    the sections."""
    keys = [f"waiting:section:{key}" for key in _keys(actor, wanted)]
    kept = cache.get_many(keys)
    computed = {}
    shown = []
    for section, key in zip(wanted, keys, strict=True):
        if key not in kept:
            computed[key] = (compute(section),)  # a tuple: "nothing waiting" is kept too
        (value,) = kept.get(key) or computed[key]
        if value is not None:
            shown.append(value)
    if computed:
        cache.set_many(computed, EXPIRES)
    return shown


def count[S: Kept](
    actor: Actor,
    wanted: Sequence[S],
    counted: Callable[[S], int],
    total_of: Callable[[Any], int],
) -> int:
    """The sum of the sections' totals: ``total_of`` what ``sections`` keeps for a section
    (None when nothing waited), or the section's kept count, or ``counted`` now and kept."""
    keys = _keys(actor, wanted)
    kept = cache.get_many(
        [f"waiting:{kind}:{key}" for key in keys for kind in ("section", "count")]
    )
    computed = {}
    total = 0
    for section, key in zip(wanted, keys, strict=True):
        if (shown := kept.get(f"waiting:section:{key}")) is not None:
            total += total_of(shown[0])
        elif (number := kept.get(f"waiting:count:{key}")) is not None:
            total += number
        else:
            computed[f"waiting:count:{key}"] = number = counted(section)
            total += number
    if computed:
        cache.set_many(computed, EXPIRES)
    return total


def _keys[S: Kept](actor: Actor, wanted: Sequence[S]) -> list[str]:
    """Each section's key for the member's day and language under the versions it reads."""
    organisation_id = actor.organisation_id
    user_id = actor.user.pk if actor.user else None
    versions = of_every_app([organisation_id])
    prefix = (
        f"{translation.get_language()}:{timezone.localdate().isoformat()}:"
        f"{organisation_id}:{user_id}"
    )
    if actor.is_admin:  # every project: the organisation's versions of the apps read

        def stamp(section: S) -> str:
            return versions.stamp(leaving_out=SECTION_APPS - set(section.reads))

    else:  # the projects they manage or are on: their own versions of the section apps
        pairs = {
            app: (_everyone_key(organisation_id, app), _team_key(organisation_id, app, user_id))
            for app in sorted(SECTION_APPS)
        }
        own = versions_of([key for pair in pairs.values() for key in pair])
        shared = versions.stamp(leaving_out=SECTION_APPS)

        def stamp(section: S) -> str:
            read = (own[key] for app, pair in pairs.items() if app in section.reads for key in pair)
            return f"{shared}:{digest(read)}"

    return [f"{prefix}:{section.key}:{stamp(section)}" for section in wanted]
