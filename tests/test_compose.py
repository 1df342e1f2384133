"""The production-like stack in docker-compose.yml is valid and complete."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose_config() -> dict:
    if not shutil.which("docker-compose"):
        pytest.skip("needs docker-compose to validate the file (scripts/system-packages installs it)")
    env = {**os.environ, "SECRET_KEY": "a-long-random-secret-for-validation-only"}
    result = subprocess.run(  # noqa: S603
        [shutil.which("docker-compose"), "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_it_runs_every_part_of_the_portal():
    services = compose_config()["services"]
    assert {"db", "redis", "web", "worker", "beat", "mail", "migrate"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "simportal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "simportal", "beat"]
    web_env = services["web"]["environment"]
    assert web_env["DEBUG"] == "false"
    assert web_env["DATABASE_URL"].startswith("postgres://")
    assert web_env["REDIS_URL"].startswith("redis://")
    assert "healthz" in json.dumps(services["web"]["healthcheck"])


def test_it_refuses_to_start_without_a_secret_key():
    if not shutil.which("docker-compose"):
        pytest.skip("needs docker-compose")
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(  # noqa: S603
        [shutil.which("docker-compose"), "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
