"""What the wheel holds: every Django app (with its data files), and the site's templates, static files and
translations.

The site folders stay at the top of the checkout (where Django finds them while developing);
the wheel carries them as ``simportal/site/<folder>``, where the settings look when installed.
"""

from setuptools import find_packages, setup

APPS = ["simportal", "outbox", "partnership", "applications", "reviews", "decisions", "notifications"]
SITE_FOLDERS = ["templates", "static", "locale"]

site_packages = {f"simportal.site.{folder}": folder for folder in SITE_FOLDERS}

setup(
    packages=find_packages(include=[*APPS, *(f"{app}.*" for app in APPS)]) + list(site_packages),
    package_dir=site_packages,
    package_data={
        **{package: ["**/*"] for package in site_packages},
        # The published list of social investments that import_investments reads by default.
        "applications": ["data/*.txt", "data/*.md"],
    },
)
