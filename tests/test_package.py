"""The wheel is the portal: every app, the templates, static files and translations, and it runs installed."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["simportal", "partnership", "applications", "reviews", "decisions", "notifications"]
SITE_FOLDERS = ["templates", "static", "locale"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603 - pip on our own project
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("simportal-*.whl")
    return built


def tracked_files(folder: str) -> set[str]:
    listed = subprocess.run(  # noqa: S603 - git on our own checkout
        [shutil.which("git") or "git", "ls-files", folder], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return {name for name in listed if (ROOT / name).is_file()}


def test_it_holds_every_app_with_its_migrations_and_commands(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for app in APPS:
        expected = {name for name in tracked_files(app) if name.endswith(".py")}
        assert expected, app
        assert expected - names == set(), f"{app} is incomplete in the wheel"
    assert "notifications/migrations/0001_initial.py" in names
    assert not any(name.startswith("tests/") for name in names)


def test_it_holds_the_templates_static_files_and_compiled_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in SITE_FOLDERS:
        expected = {f"simportal/site/{name}" for name in tracked_files(folder)}
        assert expected, folder
        assert expected - names == set(), f"{folder}/ is incomplete in the wheel"
    assert "simportal/site/locale/en/LC_MESSAGES/django.mo" in names


def test_it_runs_installed_without_the_source_tree(wheel, tmp_path):
    """Unpacked away from the checkout, the portal finds its templates, static files and English."""
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    home = tmp_path / "home"
    home.mkdir()
    script = (
        "import django, simportal; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.staticfiles import finders\n"
        "from django.template.loader import get_template\n"
        "from django.utils import translation\n"
        "print(simportal.__file__)\n"
        "print(get_template('base.html').origin.name)\n"
        "print(finders.find('css/simportal.css'))\n"
        "translation.activate('en')\n"
        "print(translation.gettext('Vem är vem'))\n"
        "print(settings.DEBUG, settings.DATABASES['default']['NAME'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SIMPORTAL_TESTING"}}
    env.update(
        PYTHONPATH=str(site), DJANGO_SETTINGS_MODULE="simportal.settings", SECRET_KEY="x" * 50, SIMPORTAL_HOME=str(home)
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=home, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    module, template, stylesheet, english, config = result.stdout.splitlines()
    for path in (module, template, stylesheet):
        assert path.startswith(str(site)), path
    assert english == "Who is who"
    assert config == f"False {home / 'var' / 'simportal.sqlite3'}"


def test_the_image_installs_the_wheel_and_not_the_source_tree():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.split("\nFROM ")[-1]
    assert "pip wheel" in dockerfile
    assert "pip install /wheels/" in final_stage
    assert "COPY . ." not in final_stage
    assert "-e " not in final_stage
