"""The ``simportal`` command: Django's manage.py for an installed portal."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simportal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
