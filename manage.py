#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
    from django.core.management import execute_from_command_line

    from core import tracing

    tracing.setup()  # the worker's tasks and commands, when OTEL_* asks for traces

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
