"""The packages: everything under mailer_desktop/, and the top-level resources/ folder installed as
``mailer_desktop.resources``. The rest of the build configuration is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["mailer_desktop", "mailer_desktop.*"]) + ["mailer_desktop.resources"],
    package_dir={"mailer_desktop.resources": "resources"},
)
