"""`safeshare tasks work`: run the background queue (emails) beside the web server.

django-tasks-db's own `db_worker` under the project's `<area> <verb>` name, with
the same options (`--batch` works the queue until it is empty and exits; the
default polls every second until SIGINT or SIGTERM). `make demo` starts it.
"""

from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    help = "Run the background task queue (django-tasks' database backend) until stopped."
