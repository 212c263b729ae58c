"""The ``safeshare`` console command.

``safeshare <area> <verb>`` runs the management command ``<area>_<verb>`` when
one exists (``safeshare ledger verify`` runs ``ledger_verify``); any other
arguments go to Django's own management utility (``safeshare migrate``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    # django.setup() below reads the settings before Django's own parser sees
    # --settings, so honour it here (`safeshare check --deploy --settings=...prod`).
    chosen = _settings_option(argv)
    if chosen:
        os.environ["DJANGO_SETTINGS_MODULE"] = chosen
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeshare.config.settings.dev")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    if len(argv) >= 3:
        joined = f"{argv[1]}_{argv[2]}"
        if joined in get_commands():
            argv = [argv[0], joined, *argv[3:]]
    execute_from_command_line(argv)


def _settings_option(argv: list[str]) -> str:
    for index, arg in enumerate(argv):
        if arg.startswith("--settings="):
            return arg.partition("=")[2]
        if arg == "--settings" and index + 1 < len(argv):
            return argv[index + 1]
    return ""


if __name__ == "__main__":
    main()
