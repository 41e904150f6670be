"""What waits for a member, kept in the cache so that it is not worked out again on every page.

- The home page's sections are kept, each while nothing it reads changes: each audit event
  moves on the version of its record's app (``rapport.core.versions``). A section reads every
  app's version but those of the ``SECTION_APPS`` it does not read: a client's message moves
  ``messaging`` on, and only the sections reading it are worked out again; a change to a
  project, a client or the organisation's people works every section out again.
- The count beside Home in the navigation, on every other page, is kept a minute at most, and
  not past a change the member makes: a change of their own shows at once, someone else's
  (a client's message, a colleague's change request) within the minute, and at once on the
  home page, which stores the count it shows. Keyed on the apps' versions, as the sections
  are, every page would count again after almost any change by anyone: under load, always.

A minute's expiry also covers what falls due with time. The cache is shared by every process of
the installation (on disk on one machine, Redis in the scaled tier), so a change made through
one web worker is seen by the next page another serves."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

from django.core.cache import cache
from django.utils import timezone, translation

from rapport.core.versions import move_on, of_every_app, version_of
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


def changed(user_id: int | None) -> None:
    """This user changed something: their own count is counted again at once."""
    if user_id is not None:
        move_on(_user_key(user_id))


def _user_key(user_id: int | None) -> str:
    return f"waiting:user:{user_id}"


def _count_key(actor: Actor) -> str:
    """Moves on with the member's own changes."""
    user_id = actor.user.pk if actor.user else None
    return f"waiting:count:{actor.organisation_id}:{user_id}:{version_of(_user_key(user_id))}"


def count(actor: Actor, compute: Callable[[], int]) -> int:
    return int(cache.get_or_set(_count_key(actor), compute, EXPIRES) or 0)


def store(actor: Actor, value: int) -> None:
    """The home page has just counted: other pages show the same number."""
    cache.set(_count_key(actor), value, EXPIRES)


def sections[S: Kept](actor: Actor, wanted: Sequence[S], compute: Callable[[S], Any]) -> list[Any]:
    """The home page's sections, each computed once for the member's day and language (a
    line's wording and what is overdue depend on both) while nothing it reads changes; what
    ``compute`` returned for each, in order, leaving out the sections it returned None for.
    Two looks at the cache: the versions, then the sections."""
    organisation_id = actor.organisation_id
    user_id = actor.user.pk if actor.user else None
    versions = of_every_app([organisation_id])
    prefix = (
        f"waiting:section:{translation.get_language()}:{timezone.localdate().isoformat()}:"
        f"{organisation_id}:{user_id}"
    )
    keys = [
        f"{prefix}:{section.key}:{versions.stamp(leaving_out=SECTION_APPS - set(section.reads))}"
        for section in wanted
    ]
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
