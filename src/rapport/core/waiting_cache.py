"""What waits for a member, kept in the cache so that it is not worked out again on every page.

- The home page's sections are kept while nothing in the organisation changes: every change
  goes through a service that writes an audit event, and each audit event moves its
  organisation's version on (a new key for every member).
- The count beside Home in the navigation, on every other page, is kept a minute at most, and
  not past a change the member makes: a change of their own shows at once, someone else's
  (a client's message, a colleague's change request) within the minute, and at once on the
  home page, which stores the count it shows. Keyed on the organisation's version, as the
  sections are, every page would count again after any change by anyone: under load, always.

A minute's expiry also covers what falls due with time. The cache is shared by every process of
the installation (on disk on one machine, Redis in the scaled tier), so a change made through
one web worker is seen by the next page another serves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from rapport.core.versions import move_on, version_of
from rapport.tenancy.actors import Actor

EXPIRES = 60  # seconds


def _version_key(organisation_id: int | None) -> str:
    return f"waiting:version:{organisation_id}"


def changed(organisation_id: int | None, user_id: int | None = None) -> None:
    """Something in the organisation changed, by this user (if one): the sections are worked
    out again for everyone, the user's own count at once."""
    move_on(_version_key(organisation_id))
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


def sections(actor: Actor, compute: Callable[[], Any]) -> Any:
    """The home page's sections: computed once for the member's day and language (a line's
    wording and what is overdue depend on both) while nothing in the organisation changes."""
    user_id = actor.user.pk if actor.user else None
    version = version_of(_version_key(actor.organisation_id))
    key = (
        f"waiting:sections:{translation.get_language()}:{timezone.localdate().isoformat()}:"
        f"{actor.organisation_id}:{user_id}:{version}"
    )
    return cache.get_or_set(key, compute, EXPIRES)
