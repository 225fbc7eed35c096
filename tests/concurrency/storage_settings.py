"""Settings for a `rostra serve` that a storage test starts: Rostra's own, with the database opened
read-only (as SQLite opens a file it may only read) or with a short busy timeout, when the test's
environment asks for it."""

import os

from rostra.config.settings.base import *  # noqa: F403
from rostra.config.settings.base import DATABASES

if os.environ.get("ROSTRA_TEST_READ_ONLY"):
    # SQLite opens the file with SQLITE_OPEN_READONLY; every write fails with SQLITE_READONLY.
    DATABASES["default"]["NAME"] = f"file:{DATABASES['default']['NAME']}?mode=ro"
if os.environ.get("ROSTRA_TEST_BUSY_TIMEOUT"):
    DATABASES["default"]["OPTIONS"]["timeout"] = float(os.environ["ROSTRA_TEST_BUSY_TIMEOUT"])
