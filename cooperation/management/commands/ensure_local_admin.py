from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from cooperation.roles import EDITORS

USERNAME = "editor"
PASSWORD = "editor-local-only"


class Command(BaseCommand):
    help = "Local development only: make sure an editor account exists and say how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1:8000", help="where the site is served")

    def handle(self, *args, host, **options):
        if not settings.LOCAL:
            # A known login must never exist outside local development; say nothing.
            return
        user, created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=EDITORS))
        self.stdout.write(
            self.style.SUCCESS(
                f"Editors' admin: http://{host}/admin/  "
                f"user {USERNAME!r}, password {PASSWORD!r} (local development only)"
            )
        )
