"""Template tags drawing `cooperation.charts` layouts as inline SVG.

    {% load charts %}
    {% year_chart year_counts title %}        year_counts from charts.years()
    {% industry_chart industry_counts title %} industry_counts from charts.industries()
    {% timeline timeline_items title %}        timeline_items from charts.timeline_items()

Each draws nothing when there is nothing to draw. Every chart is named and described for
screen readers and followed by its data as a table or list.
"""

from django import template
from django.utils.translation import gettext_lazy as _
from slugify import slugify

from cooperation import charts

register = template.Library()

KIND_LABELS = {
    "delegation": _("visit of a delegation"),
    "event": _("event"),
    "agreement": _("agreement"),
}


def _chart_id(prefix, title):
    # Ids tie each SVG to its title; two charts on one page have different titles.
    return f"{prefix}-{slugify(str(title)) or 'chart'}"


@register.inclusion_tag("includes/chart_years.html")
def year_chart(counts, title):
    chart = charts.year_chart(counts)
    return {
        "chart": chart,
        "title": title,
        "id": _chart_id("years", title),
        "summary": chart and "; ".join(f"{bar.label}: {bar.count}" for bar in chart.bars),
    }


@register.inclusion_tag("includes/chart_industries.html")
def industry_chart(rows, title, most=12):
    chart = charts.industry_chart(rows, most=most)
    return {
        "chart": chart,
        "title": title,
        "id": _chart_id("industries", title),
        "summary": chart and "; ".join(f"{bar.label}: {bar.count}" for bar in chart.bars),
    }


@register.inclusion_tag("includes/timeline.html")
def timeline(items, title):
    chart = charts.timeline(items)
    return {
        "chart": chart,
        "title": title,
        "id": _chart_id("timeline", title),
        "kinds": [(kind, KIND_LABELS.get(kind, kind)) for kind in chart.kinds] if chart else [],
    }


@register.filter
def kind_label(kind):
    return KIND_LABELS.get(kind, kind)
