"""Alert e-mails leave through SMTP, as in production: a real SMTP server (aiosmtpd) runs in a
thread of the test and the messages are read as it received them."""

import email
import email.policy
import os
import re
import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from cooperation.models import Region

from .factories import EventFactory

pytestmark = pytest.mark.django_db


class _Mailbox(Message):
    """Keeps every message the server accepts, as the mail program would read it."""

    def __init__(self):
        super().__init__(message_class=email.message.EmailMessage)
        self.messages = []

    def handle_message(self, message):
        self.messages.append(email.message_from_bytes(bytes(message), policy=email.policy.default))


@pytest.fixture
def smtp_server(settings):
    mailbox = _Mailbox()
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.DEFAULT_FROM_EMAIL = "alerts@portal.example"
    yield mailbox
    controller.stop()


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_subscriber_confirms_and_gets_the_digest_through_smtp(smtp_server, article):
    client = Client()
    client.post("/alerts/agreement/?region=atyrauskaya-oblast", {"email": "reader@example.org"})

    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "reader@example.org"
    assert confirmation["From"] == "alerts@portal.example"
    assert "Подтвердите" in confirmation["Subject"]
    confirm = re.search(r"http://testserver(/alerts/confirm/\S+/)", _body(confirmation))[1]
    assert client.get(confirm).status_code == 200

    EventFactory(
        title="Деловая миссия Атырауской области в Казани",
        region=Region.objects.get(slug="atyrauskaya-oblast"),
    )
    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))
    # An event is not an agreement: nothing for this alert.
    assert len(smtp_server.messages) == 1

    from .factories import AgreementFactory

    agreement = AgreementFactory(title="Дорожная карта Атырау — Татарстан")
    agreement.parties.create(
        organization=Region.objects.get(slug="atyrauskaya-oblast").organizations.public().first()
    )
    call_command("send_alerts", stdout=SimpleNamespace(write=lambda text: None))

    digest = smtp_server.messages[-1]
    assert digest["To"] == "reader@example.org"
    assert "Соглашения" in digest["Subject"]
    assert "Дорожная карта Атырау — Татарстан" in _body(digest)
    assert f"http://127.0.0.1:8000{agreement.get_absolute_url()}" in _body(digest)
    unsubscribe = digest["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://127.0.0.1:8000/alerts/unsubscribe/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_production_sends_through_smtp_and_a_checkout_prints_to_the_console():
    def backend(**env):
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("EMAIL_") and k not in {"PORTAL_ENV"}
        }
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from django.conf import settings as s; "
                "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
            ],
            env={**environment, **env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
            capture_output=True,
            text=True,
            cwd=django_settings.BASE_DIR,
            check=True,
        )
        return result.stdout.split()

    assert backend()[0] == "django.core.mail.backends.console.EmailBackend"
    production = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "portal.example",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    assert backend(**production) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "localhost",
        "25",
        "False",
    ]
    assert backend(
        **production, EMAIL_HOST="smtp.portal.example", EMAIL_PORT="587", EMAIL_USE_TLS="true"
    ) == ["django.core.mail.backends.smtp.EmailBackend", "smtp.portal.example", "587", "True"]
