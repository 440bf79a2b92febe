"""Rows of the long history tables, built in Python: a year of days is ~3,600 cells, too slow as template loops."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def by_day_rows(by_day: list[dict]) -> SafeString:
    """<tr> per day: the day, then its count of each emotion in Emotion's order."""
    if not by_day:
        return format_html('<tr><td colspan="9">{}</td></tr>', "No readings.")
    return format_html_join("", "<tr><th scope=\"row\">{}</th>{}</tr>", (
        (date_format(day["date"], "D j M Y"), _count_cells(day["counts"].values())) for day in by_day))


def _count_cells(counts) -> SafeString:
    return mark_safe("".join(f"<td>{int(count)}</td>" for count in counts))  # noqa: S308 (integers only)
