"""A small scale organisation (``rapport seed-scale`` at a tiny scale), loaded once per module
inside a transaction that is rolled back afterwards, so no other test sees it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from rapport.core.scale import Seeded, seed_scale


@pytest.fixture(scope="module")
def scale_seed() -> dict[str, Any]:
    """Override in a module: the ``seed_scale`` arguments."""
    return {"seed": 1, "scale": 0.002, "slug": "scale-tests"}


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None, django_db_blocker: Any, scale_seed: dict[str, Any]
) -> Iterator[Seeded]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_scale(**scale_seed, show_progress=False)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
