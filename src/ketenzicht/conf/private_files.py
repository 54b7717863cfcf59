"""The data folder and the SQLite database are the owner's alone (issue 19, item 8a).

``var/`` holds the database, the generated keys, the audit signing key and checkpoints, the
demo password and anything uploaded. Files used to get the umask's 0644 (the database
readable by every account on the machine). Every process that loads the settings (web,
worker, commands, scripts/run) therefore:

- sets its umask to at least 077, so that whatever it creates later, in ``var/`` or through
  SQLite's -wal and -shm files, is 0600 (directories 0700) without each writer having to
  remember;
- makes ``var/`` 0700 and takes group and other bits off what sits directly in it, which
  also closes an installation made before this (deeper entries are then out of reach
  behind their 0700 parent, and a walk of the checkpoints at every start would cost);
- creates the SQLite database 0600 before SQLite does, so the mode does not depend on the
  umask of whoever runs the first command.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PRIVATE_UMASK = 0o077


def restrict_umask() -> None:
    """Add 077 to the process's umask (keeping any stricter bits it had)."""
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)


def _tighten(path: Path) -> None:
    """Take group and other permissions off ``path`` if this process owns it. Symbolic links
    are left alone: chmod would change what they point to."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        return  # not ours to change (e.g. a folder an administrator prepared)
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def prepare_var_dir(var_dir: Path) -> None:
    """Create ``var_dir`` 0700, or make an existing one and its entries private.

    A shared folder (the sticky bit, as on ``/tmp``) is refused, not tightened: making
    ``/tmp`` 0700 would lock every other account and service out of it."""
    with contextlib.suppress(FileNotFoundError):
        if var_dir.stat().st_mode & stat.S_ISVTX:
            raise ImproperlyConfigured(
                f"KETENZICHT_VAR_DIR={var_dir} is a shared folder; give Ketenzicht a folder "
                f"of its own inside it (for example {var_dir}/ketenzicht)."
            )
    restrict_umask()
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(var_dir)
    for entry in var_dir.iterdir():
        _tighten(entry)


def prepare_sqlite_file(database: Path) -> None:
    """Create the SQLite database file 0600 if missing (an empty file is an empty database)
    and make it and its journal files private if they exist."""
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        _tighten(database.with_name(database.name + suffix))
