from rest_framework.pagination import CursorPagination as _CursorPagination


class CursorPagination(_CursorPagination):
    """Cursor pagination (stable under inserts, no COUNT(*)) ordered by newest first."""

    ordering = "-created_at"
    page_size_query_param = "page_size"
    max_page_size = 500
