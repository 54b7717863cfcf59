"""Settings for the test suite: the production settings with fast, synchronous parts."""

import os
import tempfile

os.environ.setdefault(
    "KETENZICHT_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
)
if "KETENZICHT_VAR_DIR" not in os.environ:
    os.environ["KETENZICHT_VAR_DIR"] = tempfile.mkdtemp(prefix="ketenzicht-test-")

from .settings import *  # noqa: F403

# Argon2 is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if "ketenzicht.demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append("ketenzicht.demo")  # noqa: F405
MFA_REQUIRED = False  # tests that are about the second factor turn it on
