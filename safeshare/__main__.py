"""The ``safeshare`` console command.

``safeshare <area> <verb>`` runs the management command ``<area>_<verb>`` when
one exists (``safeshare ledger verify`` runs ``ledger_verify``); any other
arguments go to Django's own management utility (``safeshare migrate``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeshare.config.settings.dev")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    if len(argv) >= 3:
        joined = f"{argv[1]}_{argv[2]}"
        if joined in get_commands():
            argv = [argv[0], joined, *argv[3:]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
