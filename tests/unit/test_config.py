"""Paths and the settings registry."""

from __future__ import annotations

import pytest

from mailer_desktop.config import HOME_ENV, SETTINGS, resolve_paths


def test_home_argument_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    assert resolve_paths().home == (tmp_path / "env").resolve()
    assert resolve_paths(tmp_path / "arg").home == (tmp_path / "arg").resolve()
    monkeypatch.delenv(HOME_ENV)
    default = resolve_paths()
    assert not default.home_overridden and "Mailer Desktop" in str(default.home)


def test_every_setting_has_label_and_group():
    for key, decl in SETTINGS.items():
        assert decl.key == key and decl.label and decl.group


def test_settings_default_set_and_type_checked(app):
    assert app.settings.get("consent.pending_retention_days") == 30
    app.settings.set("consent.pending_retention_days", "45")
    assert app.settings.get("consent.pending_retention_days") == 45
    app.settings.set("sender.ad_disclosure", "off")
    assert app.settings.get("sender.ad_disclosure") is False
    with pytest.raises(ValueError, match="consent.pending_retention_days"):
        app.settings.set("consent.pending_retention_days", "thirty")
    with pytest.raises(KeyError, match="unknown setting"):
        app.settings.get("no.such.setting")
    assert app.settings.all()["consent.pending_retention_days"] == 45


def test_choice_settings_refuse_other_values(app):
    app.settings.set("appearance.theme", "dark")
    assert app.settings.get("appearance.theme") == "dark"
    with pytest.raises(ValueError, match="not one of system, light, dark"):
        app.settings.set("appearance.theme", "purple")
