from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from cooperation.roles import EDITORS, PUBLISHERS

# One known login per role, so that the review workflow can be tried end to end locally.
ACCOUNTS = [
    ("editor", "editor-local-only", EDITORS),
    ("publisher", "publisher-local-only", PUBLISHERS),
]


class Command(BaseCommand):
    help = (
        "Local development only: make sure an editor and a publisher account exist "
        "and say how to log in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1:8000", help="where the site is served")

    def handle(self, *args, host, **options):
        if not settings.LOCAL:
            # A known login must never exist outside local development; say nothing.
            return
        lines = [f"Editors' admin: http://{host}/admin/"]
        for username, password, group in ACCOUNTS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group))
            lines.append(f"  {group}: user {username!r}, password {password!r}")
        lines.append("  (local development only)")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
