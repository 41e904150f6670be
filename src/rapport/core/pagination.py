from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 25
MAX_PAGE = 10**9  # a page number past it is read as it (the last page): a LIMIT the databases take


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    per_page: int = PAGE_SIZE,
    param: str = "page",
    count_limit: int | None = None,
) -> Page:
    """Every list is paginated; a bad or out-of-range page number shows the nearest page.
    ``param`` names the page number in the query string (two lists on one page).
    ``count_limit`` is for lists too long to count on every request (see ``CountedUpTo``)."""
    wanted = request.GET.get(param)
    paginator: Paginator = (
        Paginator(queryset, per_page)
        if count_limit is None
        else CountedUpTo(queryset, per_page, limit=count_limit, wanted=wanted)
    )
    page = paginator.get_page(wanted)
    page.param = param  # type: ignore[attr-defined] # read by core/pagination.html
    return page


class UncountedPage(Page):
    """A page of a list counted only up to a limit: there is a next page while rows remain,
    even past the count."""

    def has_next(self) -> bool:
        paginator = self.paginator
        assert isinstance(paginator, CountedUpTo)
        return super().has_next() or (paginator.more and self.number == paginator.num_pages)

    def next_page_number(self) -> int:
        return self.number + 1 if self.has_next() else super().next_page_number()


class CountedUpTo(Paginator):
    """Pages of a list too long to count on every request (the audit trail, a million events
    in ten years): the count stops at ``limit`` rows, or just past the page asked for, so a
    page costs the same whatever the list's length, and every page can still be reached with
    "Next". ``more`` says the count stopped before the end."""

    def __init__(self, queryset: QuerySet, per_page: int, *, limit: int, wanted: Any) -> None:
        super().__init__(queryset, per_page)
        self.queryset = queryset
        try:
            number = min(max(int(wanted), 1), MAX_PAGE)
        except (TypeError, ValueError):
            number = 1
        self.limit = max(limit, number * per_page)
        self.more = False

    @cached_property
    def count(self) -> int:
        counted = self.queryset.order_by()[: self.limit + 1].count()
        self.more = counted > self.limit
        return min(counted, self.limit)

    def _get_page(self, *args: Any, **kwargs: Any) -> Page:
        return UncountedPage(*args, **kwargs)
