"""sitemap.xml: every published page, in Russian and in English.

Each entry names its other-language twin (hreflang alternates), so that search engines
show readers the language they search in. With hundreds of thousands of records,
/sitemap.xml is an index of sections (one per kind of record) split into pages of
`limit` records, as the sitemaps protocol asks of large sites.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import (
    Agreement,
    Delegation,
    Event,
    Industry,
    Organization,
    Person,
    Region,
    Source,
    Topic,
)


class _I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # Each record gives an entry per language, each naming the others: well under the
    # protocol's 50 000 entries and 50 MB a file, and quick to build.
    limit = 5000


class RecordSitemap(_I18nSitemap):
    """The published records of one model; each page's lastmod is its record's last edit."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate rather than a look at every record.
        return self.model.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ListSitemap(_I18nSitemap):
    changefreq = "daily"

    def __init__(self, url_names):
        self.url_names = url_names

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


# The home page and the lists, then the detail pages (as the site's menu orders them).
LIST_PAGES = [
    "cooperation:home",
    "cooperation:region-list",
    "cooperation:organization-list",
    "cooperation:person-list",
    "cooperation:delegation-list",
    "cooperation:event-list",
    "cooperation:agreement-list",
    "cooperation:industry-list",
    "cooperation:source-list",
]

sitemaps = {
    "lists": ListSitemap(LIST_PAGES),
    **{
        model._meta.model_name: RecordSitemap(model)
        for model in (
            Region,
            Organization,
            Person,
            Delegation,
            Event,
            Agreement,
            Industry,
            Topic,
            Source,
        )
    },
}
