"""`rostra check --deploy` on the production settings (HTTPS behind a proxy): no warning at all."""

import os
import subprocess
import sys
from pathlib import Path

ROSTRA = Path(sys.executable).parent / "rostra"


def deploy_check(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROSTRA_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(ROSTRA_VAR_DIR=str(tmp_path), ROSTRA_SECRET_KEY="x" * 60 + "-production-like-key",
               ROSTRA_DATABASE_URL=f"sqlite:///{tmp_path}/r.sqlite3", **extra)
    return subprocess.run([str(ROSTRA), "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_production_settings_pass_the_deploy_checks(tmp_path):
    result = deploy_check(tmp_path, ROSTRA_HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_deploy_checks_say_what_is_missing(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_the_deploy_checks_warn_when_rate_limits_are_off(tmp_path):
    result = deploy_check(tmp_path, ROSTRA_HTTPS="1", ROSTRA_RATE_LIMITS="off")
    assert result.returncode != 0
    assert "rostra.W001" in result.stderr + result.stdout
    assert "ROSTRA_RATE_LIMITS is off" in result.stderr + result.stdout


def test_malformed_rate_limits_are_refused_by_the_checks(tmp_path):
    result = deploy_check(tmp_path, ROSTRA_HTTPS="1", ROSTRA_RATE_LIMITS="comment.create=5/fortnight/ip")
    assert result.returncode != 0
    assert "ROSTRA_RATE_LIMITS cannot be read" in result.stderr + result.stdout
