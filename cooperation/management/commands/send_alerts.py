from django.core.management.base import BaseCommand, CommandError

from cooperation.alerts import MAIL_ERRORS, forget_unconfirmed, send_digests


class Command(BaseCommand):
    help = (
        "E-mail every confirmed alert the records of its list first published since its last "
        "digest, and delete the alerts never confirmed. Meant for cron, e.g. once a day."
    )

    def handle(self, *args, **options):
        try:
            sent, failed = send_digests()
        except MAIL_ERRORS as exc:  # the mail server could not be reached at all
            raise CommandError(f"No digest sent: {exc}") from exc
        forgotten = forget_unconfirmed()
        self.stdout.write(
            f"Digests sent: {sent}; failed, to be sent with the next run: {failed}; "
            f"unconfirmed alerts deleted: {forgotten}."
        )
        if failed:
            raise CommandError(f"{failed} digests could not be sent (see the log).")
