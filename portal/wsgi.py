import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Pages and counts kept by the previous release may be rendered differently now.
from cooperation import page_cache  # noqa: E402

page_cache.content_changed()
