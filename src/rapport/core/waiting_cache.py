"""The navigation's count of what waits for a member, kept in the cache so that every page
does not run the home page's sources again. It stays right because every change goes through
a service that writes an audit event, and each audit event moves its organisation's version
on (a new key for every member's count); a minute's expiry covers what falls due with time."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from rapport.tenancy.actors import Actor

EXPIRES = 60  # seconds


def _version_key(organisation_id: int | None) -> str:
    return f"waiting:version:{organisation_id}"


def changed(organisation_id: int | None) -> None:
    """Something in the organisation changed: every member's count is counted again. Now,
    and once more after the commit, so a count taken in between is never kept."""

    def bump() -> None:
        try:
            cache.incr(_version_key(organisation_id))
        except ValueError:
            cache.set(_version_key(organisation_id), 1, None)

    bump()
    transaction.on_commit(bump)


def _key(actor: Actor) -> str:
    version = cache.get(_version_key(actor.organisation_id), 0)
    user_id = actor.user.pk if actor.user else None
    return f"waiting:count:{actor.organisation_id}:{user_id}:{version}"


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
