"""The ``ketenzicht`` command: Django's management commands under the names of the contract.

``ketenzicht import FILE`` maps to the ``import_signals`` management command (``import`` is
a Python keyword); everything else is passed through as is (``ketenzicht migrate``, ...).
"""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

ALIASES = {"import": "import_signals"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketenzicht.conf.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]

    execute_from_command_line(["ketenzicht", *args[1:]])


if __name__ == "__main__":
    main()
