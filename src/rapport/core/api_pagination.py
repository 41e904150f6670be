"""Pagination and ordering of every API list: ``page``/``page_size``, and ``ordering`` on the
fields an operation names (``@paginate(Pages, ordering=("name", "start_date"))``) plus ``id``,
``created_at`` and ``updated_at`` where the model has them. Ties are always broken by id, so a
page never repeats or skips a row."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

GENERIC_ORDERING = ("id", "created_at", "updated_at")


def _has_field(model: type[Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _fixed(queryset: QuerySet[Any]) -> bool:
    """A union, a slice or a DISTINCT ON keeps the order its selector gave it."""
    query = queryset.query
    return bool(query.combinator or query.is_sliced or query.distinct_fields)


def stable(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset's own ordering (or its model's), then the primary key."""
    if _fixed(queryset):
        return queryset
    ordering = list(queryset.query.order_by)
    if not ordering and queryset.query.default_ordering:
        ordering = list(queryset.model._meta.ordering)
    names = {str(term).lstrip("-") for term in ordering}
    if {"pk", "id"} & names:
        return queryset.order_by(*ordering) if ordering else queryset
    return queryset.order_by(*ordering, "pk")


_MISSING = object()


def _value(item: Any, path: str, missing: bool = False) -> Any:
    """``client__name`` of a model instance or of a dict the view built."""
    value = item
    for part in path.split("__"):
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        else:
            value = getattr(value, part, _MISSING)
        if value is _MISSING:
            return _MISSING if missing else None
    return value


class Pages(PageNumberPagination):
    """Page-number pagination with bounded inputs: an absurd page number is a 422, not an
    integer overflow in the database."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)
        ordering: str | None = Field(
            None,
            max_length=64,
            description="A field to sort on (`id`, and `created_at`/`updated_at` where the "
            "resource has them); `-field` sorts descending. Ties are broken by `id`.",
        )

    def __init__(self, *, ordering: Sequence[str] | Mapping[str, str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ordering = (
            dict(ordering) if isinstance(ordering, Mapping) else {name: name for name in ordering}
        )
        if self.ordering:
            names = ", ".join(f"`{name}`" for name in [*self.ordering, *GENERIC_ORDERING])
            description = (
                f"A field to sort on: {names} (`created_at`/`updated_at` where the resource has "
                "them); `-field` sorts descending. Ties are broken by `id`."
            )

            class Input(Pages.Input):
                ordering: str | None = Field(None, max_length=64, description=description)

            self.Input = Input  # type: ignore[misc]

    def allowed(self, items: Any) -> dict[str, str]:
        if isinstance(items, QuerySet):
            present = [name for name in GENERIC_ORDERING if _has_field(items.model, name)]
        else:  # a list the view built: the generic fields its rows carry
            first = items[0] if items else None
            present = [
                name
                for name in GENERIC_ORDERING
                if first is None or _value(first, name, missing=True) is not _MISSING
            ]
        return {**self.ordering, **{name: name for name in present}}

    def order(self, items: Any, ordering: str | None) -> Any:
        if not ordering:
            return stable(items) if isinstance(items, QuerySet) else items
        descending = ordering.startswith("-")
        name = ordering.removeprefix("-")
        allowed = self.allowed(items)
        if name not in allowed:
            raise DjangoValidationError(
                {
                    "ordering": _(
                        "Unknown field to sort on: “%(field)s”. Choose one of: %(choices)s."
                    )
                    % {"field": name, "choices": ", ".join(allowed)}
                }
            )
        sign = "-" if descending else ""
        if isinstance(items, QuerySet) and _fixed(items):
            items = list(items)
        if isinstance(items, QuerySet):
            return items.order_by(f"{sign}{allowed[name]}", f"{sign}pk")
        path = allowed[name]

        def key(item: Any) -> tuple[bool, Any, Any]:
            value = _value(item, path)
            return (value is None, value, _value(item, "id"))

        return sorted(items, key=key, reverse=descending)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: Any = None, **params: Any
    ) -> Any:
        ordered = self.order(queryset, getattr(pagination, "ordering", None))
        return super().paginate_queryset(ordered, pagination, request=request, **params)


class CountedUpTo(Pages):
    """Pages of a list too long to count on every request (the audit trail, a million events
    in ten years): ``count`` stops at ``COUNT_LIMIT``. Counting stops there, so a page costs
    the same whatever the length; every page is still served, and a page that is not full
    is the last."""

    COUNT_LIMIT = 10_000

    def _items_count(self, queryset: Any) -> int:
        if isinstance(queryset, QuerySet):
            return queryset.order_by()[: self.COUNT_LIMIT].count()
        return min(len(queryset), self.COUNT_LIMIT)
