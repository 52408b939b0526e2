"""Admin lists that never count a whole table: a page of a COP's 100,000 members costs what it costs at 1,000."""

from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts the rows only up to `ahead` pages beyond the one asked for (one `COUNT` over a `LIMIT`), not all of
    them: the list says "more than N" and links the pages up to there; each page further on counts a little further.
    `capped` tells whether there are more rows than were counted."""

    def __init__(self, object_list, per_page, *, page: int = 1, ahead: int = 10, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = (max(page, 1) + ahead) * per_page

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.limit


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (a count kept with the data, e.g. a dispatch's), not counting them."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class CappedCountAdmin:
    """A ModelAdmin mixin: its list is paginated by a CappedPaginator and never counts the whole table either
    (`show_full_result_count`); templates/admin/pagination.html and search_form.html say "more than N"."""

    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        try:
            page = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page = 1
        return CappedPaginator(
            queryset, per_page, page=page, orphans=orphans, allow_empty_first_page=allow_empty_first_page
        )
