"""The mood history pages: parse filters, call a selector or service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from moods.history import exports, selectors, services
from moods.history.forms import HistoryFilterForm
from moods.models import Emotion

PAGE_SIZE = 20
EXPORTS = {"csv": (exports.history_csv, "text/csv; charset=utf-8"),
           "json": (exports.history_json, "application/json")}


def _chart_context() -> dict:
    return {"chartjs": settings.CHARTJS_AVAILABLE, "emotion_labels": dict(Emotion.choices)}


@login_required
@require_GET
def dashboard(request):
    form = HistoryFilterForm(request.GET or None)
    filters = form.history_filter()
    captures = selectors.captures_filtered(user=request.user, filters=filters)
    summary = selectors.history_summary(user=request.user, filters=filters)
    page = Paginator(captures, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form, "summary": summary, "page": page, "query": _query_without_page(request),
        "heatmap": selectors.weekday_hour_counts(captures=captures), "hours": range(24),
        "trend": selectors.mood_trend(user=request.user, until=filters.date_to or timezone.localdate()),
        "dominant_label": Emotion(summary["dominant"]).label if summary["dominant"] else "",
        "distribution": [(Emotion(value).label, count) for value, count in summary["counts"].items()],
        "time_zone": settings.TIME_ZONE, # Asked only when nothing matched: is it the filters, or an empty history?
        "has_captures": page.paginator.count > 0 or selectors.captures_exist(user=request.user),
        **_chart_context(),
    }
    return render(request, "history/dashboard.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class HttpResponsePermanentRedirectSameMethod(HttpResponsePermanentRedirect):
    status_code = 308  # a POST stays a POST (RFC 9110 15.4.9), so an old delete form still works


def capture_moved(request, capture_id: int, to: str):
    """A capture's pages moved out of the history (one page, one delete): old links and forms follow."""
    return HttpResponsePermanentRedirectSameMethod(reverse(to, kwargs={"capture_id": capture_id}))


@login_required
@require_GET
def export(request, kind: str):
    filters = HistoryFilterForm(request.GET or None).history_filter()
    render_body, content_type = EXPORTS[kind]
    body = render_body(captures=selectors.captures_filtered(user=request.user, filters=filters))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cloudscendo-history-{timezone.localdate()}.{kind}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_all(request):
    if request.method == "GET":
        return render(request, "history/confirm_delete.html", {"count": request.user.captures.count()})
    deleted = services.captures_delete_all(user=request.user)
    messages.success(request, f"{deleted} captures and their photos are deleted.")
    return redirect("history:dashboard")


@staff_member_required
@require_GET
def staff(request):
    context = {"by_day": selectors.site_emotions_by_day(until=timezone.localdate()), "site_days": selectors.SITE_DAYS,
               "top_lists": [("Most recommended songs", selectors.tracks_top(liked_only=False)),
                             ("Most liked songs", selectors.tracks_top(liked_only=True))],
               **_chart_context()}
    return render(request, "history/staff.html", context)
