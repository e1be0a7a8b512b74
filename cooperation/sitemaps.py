"""sitemap.xml: every public page, in Russian and in English.

Each entry names its other-language twin (hreflang alternates), so that search engines
show readers the language they search in. With hundreds of thousands of records,
/sitemap.xml is an index of sections (one per kind of record) split into pages of
`limit` records, as the sitemaps protocol asks of large sites.
"""

from collections.abc import Sequence
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from . import page_cache
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


class _RecordsInEachLanguage(Sequence):
    """(record, language) for every record of `queryset` and every language, read one
    slice at a time. Django's own list of them holds every record in memory, which took
    seconds for each page of a section of 100 000 organizations."""

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, languages

    @cached_property
    def _length(self):
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self._length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        each = len(self.languages)
        first = start // each
        records = self.queryset[first : -(-stop // each)]
        pairs = [(record, language) for record in records for language in self.languages]
        return pairs[start - first * each : stop - first * each]


class RecordSitemap(_I18nSitemap):
    """The public records of one model; each page's lastmod is its record's last edit."""

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at

    @property
    def paginator(self):
        return Paginator(_RecordsInEachLanguage(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        # For the index: one aggregate rather than a look at every record.
        return self.model.objects.public().aggregate(latest=Max("updated_at"))["latest"]


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
    "cooperation:map",
    "cooperation:statistics",
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

# A sitemap section's page number; the page cache keeps pages under known parameters only.
page_cache.QUERY_PARAMETERS.add("p")
