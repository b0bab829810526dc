"""Reading returned mail from files, mbox archives and Maildir folders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from inbox_fixtures import fixture

from mailer_desktop.services.inbox.sources import SourceError, iter_mbox, iter_paths


def test_mbox_messages_are_split_and_unescaped(tmp_path):
    mbox = tmp_path / "archive.mbox"
    mbox.write_bytes(
        b"From a@example.org Mon Nov  2 10:00:00 2026\nSubject: one\n\nFirst line\n>From the archive\n\n"
        b"From b@example.org Mon Nov  2 11:00:00 2026\nSubject: two\n\nFrom here on it is not a separator\n")
    messages = list(iter_mbox(mbox))
    assert [m.name for m in messages] == ["archive.mbox#1", "archive.mbox#2"]
    assert b"\nFrom the archive\n" in messages[0].raw
    assert messages[1].raw.endswith(b"From here on it is not a separator\n")


def test_folder_of_eml_files_is_read_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.eml").write_bytes(fixture("delayed.eml"))
    (tmp_path / "sub" / "b.eml").write_bytes(fixture("policy_block.eml"))
    (tmp_path / ".hidden").write_bytes(b"x")
    assert sorted(m.name for m in iter_paths([tmp_path])) == ["a.eml", "b.eml"]


def test_maildir_messages_are_marked_seen_not_deleted(tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1700000000.1.host").write_bytes(fixture("delayed.eml"))
    (box / "cur" / "1700000001.2.host:2,F").write_bytes(fixture("policy_block.eml"))
    messages = list(iter_paths([box]))
    assert len(messages) == 2
    for m in messages:
        m.mark_processed()
    assert sorted(p.name for p in (box / "cur").iterdir()) == ["1700000000.1.host:2,S", "1700000001.2.host:2,FS"]
    assert list((box / "new").iterdir()) == []


def test_message_date_for_the_age_reminder(tmp_path):
    (tmp_path / "a.eml").write_bytes(fixture("confirmation_token.eml"))
    (message,) = iter_paths([tmp_path / "a.eml"])
    assert message.date == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="nothing.mbox: no such file or folder"):
        list(iter_paths([tmp_path / "nothing.mbox"]))
