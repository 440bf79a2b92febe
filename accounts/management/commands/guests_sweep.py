"""python manage.py guests_sweep: end every visitor's trial older than GUEST_TRIAL_SECONDS (also a beat task)."""

from django.core.management.base import BaseCommand

from accounts.services import guests_expired_delete


class Command(BaseCommand):
    help = "Delete expired trials (guest users) with their readings and photos."

    def handle(self, *args, **options):
        self.stdout.write(f"{guests_expired_delete()} trial(s) ended")
