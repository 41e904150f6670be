from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport.core.today import waiting_count


def waiting(request: HttpRequest) -> dict[str, Any]:
    """The number beside Home in the internal navigation, counted only when a page shows it
    (the home page has just counted it), and then mostly read from the cache."""
    actor = getattr(request, "actor", None)

    def count() -> int:
        if actor is None or not actor.is_member:
            return 0
        counted = getattr(request, "waiting_count", None)
        if counted is not None:
            return int(counted)
        return waiting_count(actor)

    return {"waiting_count": SimpleLazyObject(count)}
