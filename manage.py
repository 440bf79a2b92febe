#!/usr/bin/env python
import os
import sys


def main() -> None:
    from cloudscendo.celery import load_project_dotenv

    load_project_dotenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudscendo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
