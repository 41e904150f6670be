from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport.notify.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    """The unread count of the bell, counted only on pages that show it."""
    actor = getattr(request, "actor", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(actor) if actor else 0)}
