from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from calendar_app.demo import (
    ADMIN_URL,
    SITE_URL,
    DemoDataConflict,
    demo_logins,
    email_destination,
    load_demo,
    logins_table,
)
from publishing.sandbox.server import DEFAULT_PORT as SANDBOX_PORT


class Command(BaseCommand):
    help = (
        "Load the Ville de Montmagny demo data (people, channels, a month of posts around today) in one "
        "transaction. Running it again changes nothing, except that a post due within the next minute is "
        "added when none is waiting to go out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off. The demo password is public: never on a server people can reach.",
        )
        parser.add_argument(
            "--without-logins",
            action="store_true",
            help="Do not print the log-ins and addresses (`make run` prints them last, once everything runs).",
        )

    def handle(self, *args, force=False, without_logins=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: the demo users share a public password. Use --force to load the demo data anyway."
            )
        try:
            report = load_demo()
        except DemoDataConflict as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
        self.stdout.write(f"Demo e-mails: {email_destination()}")
        if without_logins:
            return
        self.stdout.write("\nDemo log-ins (username / password / role):")
        self.stdout.write(logins_table(demo_logins()))
        self.stdout.write(f"\nVitrine: {SITE_URL}   Admin: {ADMIN_URL}")
        self.stdout.write(f"What the demo channels received (the networks' sandbox): http://127.0.0.1:{SANDBOX_PORT}/")
