"""Versions in the cache: what is worked out from many rows is kept under a key that names the
version of what it was worked out from, and a change moves that version on, so the kept entry
is never read again (it expires by itself). The home page's sections, the count beside Home,
the portfolio's satisfaction trend and the lesson suggestions are kept this way.

Every change goes through a service that writes an audit event, and each audit event moves on
the version of its record's app in its organisation (``record_changed``): what is worked out
from an app's records is kept under that app's version."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import transaction


def _fresh() -> int:
    """A first version, at random: a version key the cache dropped (it culls when full) comes
    back as a number no entry was kept under, instead of a small one an entry of the last
    minute may still carry."""
    return secrets.randbits(48)


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


def app_key(organisation_id: int | None, app: str) -> str:
    return f"version:{organisation_id}:{app}"


def record_changed(organisation_id: int | None, app: str) -> None:
    """A record of ``app`` (its label) in the organisation changed."""
    move_on(app_key(organisation_id, app))


@dataclass(frozen=True)
class Stamps:
    """The versions of every app in some organisations, read in one look at the cache."""

    found: tuple[tuple[str, int], ...]  # (app, version), in a fixed order

    def stamp(self, leaving_out: Collection[str] = ()) -> str:
        """What is worked out from every app but those ``leaving_out`` is kept under this."""
        return digest(version for app, version in self.found if app not in leaving_out)


def of_every_app(organisation_ids: Iterable[int | None]) -> Stamps:
    """The versions of every installed app in these organisations (give them in a fixed
    order), in one look at the cache."""
    labels = sorted(config.label for config in django_apps.get_app_configs())
    keys = [
        (app, app_key(organisation_id, app))
        for organisation_id in organisation_ids
        for app in labels
    ]
    found = versions_of([key for _, key in keys])
    return Stamps(tuple((app, found[key]) for app, key in keys))


def digest(versions: Iterable[int]) -> str:
    """Versions in a key of a fixed length (a cache key stays under 250 characters)."""
    return hashlib.blake2b(
        ":".join(map(str, versions)).encode(), digest_size=12, usedforsecurity=False
    ).hexdigest()


def version_of(version_key: str) -> int:
    return versions_of([version_key])[version_key]


def versions_of(version_keys: Sequence[str]) -> dict[str, int]:
    """Several versions in one look at the cache."""
    found = cache.get_many(version_keys)
    for key in version_keys:
        if key not in found:
            cache.add(key, _fresh(), None)
            found[key] = cache.get(key, 0)
    return {key: int(value) for key, value in found.items()}
