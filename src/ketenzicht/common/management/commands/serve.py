from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gunicorn.app.wsgiapp import run

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KETENZICHT_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("KETENZICHT_WORKERS", "3"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("KETENZICHT_THREADS", "1"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [
            "gunicorn",
            "ketenzicht.conf.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            # Path without the query string: a search can carry a V-number or a name
            # (docs/security/logging.md).
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]

        sys.argv = argv
        run()
