from __future__ import annotations

from rapport.tenancy.actors import Actor


def can_view_portfolio(actor: Actor) -> bool:
    """Owners, admins and PMs; each sees the projects ``projects_visible_to`` gives them."""
    return actor.is_manager
