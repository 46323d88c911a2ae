from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from calendar_app.demo import ADMIN_URL, SITE_URL, DemoDataConflict, demo_logins, load_demo
from publishing.sandbox.server import DEFAULT_PORT as SANDBOX_PORT


class Command(BaseCommand):
    help = (
        "Load the Ville de Montmagny demo data (people, channels, a month of posts around today) in one "
        "transaction. Running it again creates nothing and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off. The demo password is public: never on a server people can reach.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: the demo users share a public password. Use --force to load the demo data anyway."
            )
        try:
            report = load_demo()
        except DemoDataConflict as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
        self.stdout.write("\nDemo log-ins (username / password / role):")
        logins = demo_logins()
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.password}  {login.role}")
        self.stdout.write(f"\nVitrine: {SITE_URL}   Admin: {ADMIN_URL}")
        self.stdout.write(f"What the demo channels received (the networks' sandbox): http://127.0.0.1:{SANDBOX_PORT}/")
