from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE, param: str = "page"
) -> Page:
    """Every list is paginated; a bad or out-of-range page number shows the nearest page.
    ``param`` names the page number in the query string (two lists on one page)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    page.param = param  # type: ignore[attr-defined] # read by core/pagination.html
    return page
