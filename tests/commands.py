"""Running the real `rostra` command from tests, as an operator would: its own SQLite file and
secret, nothing of the test run's Django settings."""

import os
import subprocess
import sys
from pathlib import Path

ROSTRA = Path(sys.executable).parent / "rostra"


def environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(ROSTRA_VAR_DIR=str(var_dir), ROSTRA_DATABASE_URL=f"sqlite:///{var_dir}/rostra.sqlite3",
               ROSTRA_SECRET_KEY="rostra-tests-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz")
    return env


def rostra(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run `rostra ARGS` to its end; fail the test with its output unless it succeeds."""
    result = subprocess.run([str(ROSTRA), *args], env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result
