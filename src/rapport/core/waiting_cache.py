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

import secrets
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from rapport.tenancy.actors import Actor

EXPIRES = 60  # seconds


def _version_key(organisation_id: int | None) -> str:
    return f"waiting:version:{organisation_id}"


def move_on(version_key: str) -> None:
    """Move a version on, so that what was kept under the old one is worked out again. Now,
    and once more after the commit, so that what is worked out in between is never kept."""

    def bump() -> None:
        try:
            cache.incr(version_key)
        except ValueError:  # gone (culled, or the cache emptied): a version never used
            cache.add(version_key, _fresh(), None)

    bump()
    transaction.on_commit(bump)


def _fresh() -> int:
    """A first version, at random: a version key the cache dropped (it culls when full) comes
    back as a number no entry was kept under, instead of a small one an entry of the last
    minute may still carry."""
    return secrets.randbits(48)


def version_of(version_key: str) -> int:
    value = cache.get(version_key)
    if value is None:
        cache.add(version_key, _fresh(), None)
        value = cache.get(version_key, 0)
    return int(value)


def changed(organisation_id: int | None, user_id: int | None = None) -> None:
    """Something in the organisation changed, by this user (if one): the sections are worked
    out again for everyone, the user's own count at once."""
    move_on(_version_key(organisation_id))
    if user_id is not None:
        move_on(_user_key(user_id))


def _user_key(user_id: int | None) -> str:
    return f"waiting:user:{user_id}"


def _key(actor: Actor, what: str = "count") -> str:
    """The count's key moves on with the member's own changes, the sections' with anyone's."""
    user_id = actor.user.pk if actor.user else None
    version = version_of(
        _user_key(user_id) if what == "count" else _version_key(actor.organisation_id)
    )
    return f"waiting:{what}:{actor.organisation_id}:{user_id}:{version}"


def count(actor: Actor, compute: Callable[[], int]) -> int:
    key = _key(actor)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, EXPIRES)
    return int(value)


def store(actor: Actor, value: int) -> None:
    """The home page has just counted: other pages show the same number."""
    cache.set(_key(actor), value, EXPIRES)


def sections(actor: Actor, compute: Callable[[], Any]) -> Any:
    """The home page's sections: computed once for the member's day and language (a line's
    wording and what is overdue depend on both) while nothing in the organisation changes."""
    what = f"sections:{translation.get_language()}:{timezone.localdate().isoformat()}"
    key = _key(actor, what)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, EXPIRES)
    return value
