"""The encrypted container: round trip, and every kind of damage gives its own clear error."""

from __future__ import annotations

import io
import os

import pytest

from mailer_desktop.services.backup import format as fmt
from mailer_desktop.services.backup.format import (
    BackupDamagedError,
    BackupError,
    BackupReader,
    BackupTruncatedError,
    BackupWriter,
    NotABackupError,
    WrongPassphraseError,
)

PASS = "a long passphrase"


@pytest.fixture
def small_chunks(monkeypatch):
    # Small chunks give many parts from a little data, so reordering and truncation are testable.
    monkeypatch.setattr(fmt, "CHUNK_SIZE", 64)
    monkeypatch.setattr(fmt, "SCRYPT_N", 1 << 10)  # fast in tests; the real cost is in the header


def _write(data: bytes, passphrase: str = PASS, header: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with BackupWriter(buf, passphrase, header or {"install_id": "abc"}) as w:
        # written in uneven pieces: chunking must not depend on how the caller splits the data
        for i in range(0, len(data), 37):
            w.write(data[i:i + 37])
    return buf.getvalue()


def _read(blob: bytes, passphrase: str = PASS) -> bytes:
    return b"".join(BackupReader(io.BytesIO(blob), passphrase, "test.mdbackup"))


def _chunk_offsets(blob: bytes) -> list[tuple[int, int]]:
    header = fmt.read_header(io.BytesIO(blob))
    pos, out = header.data_offset, []
    while pos < len(blob):
        _flag, length = fmt._CHUNK_HEAD.unpack(blob[pos:pos + 5])
        out.append((pos, 5 + length))
        pos += 5 + length
    return out


def test_round_trip_many_chunks(small_chunks):
    data = os.urandom(64 * 7 + 13)
    blob = _write(data)
    assert len(_chunk_offsets(blob)) == 8
    assert _read(blob) == data
    assert data not in blob and data[:32] not in blob  # the payload is not stored in the clear


def test_empty_payload_and_exact_multiple(small_chunks):
    assert _read(_write(b"")) == b""
    data = os.urandom(64 * 3)
    assert _read(_write(data)) == data


def test_header_readable_without_passphrase(small_chunks):
    blob = _write(b"x" * 100, header={"install_id": "abc", "schema_version": 3})
    header = fmt.read_header(io.BytesIO(blob))
    assert header.get("install_id") == "abc" and header.get("schema_version") == 3
    assert header.get("kdf")["name"] == "scrypt" and header.get("cipher") == "AES-256-GCM"


def test_wrong_passphrase(small_chunks):
    blob = _write(b"secret data" * 20)
    with pytest.raises(WrongPassphraseError, match="passphrase does not open test.mdbackup"):
        _read(blob, "another passphrase")


def test_short_passphrase_refused():
    with pytest.raises(BackupError, match="at least 8 characters"):
        BackupWriter(io.BytesIO(), "short", {})


def test_not_a_backup():
    with pytest.raises(NotABackupError, match="not a Mailer Desktop backup"):
        _read(b"SQLite format 3\x00" + b"\x00" * 100)


@pytest.mark.parametrize("keep", [10, 60, 200, -1, -30])
def test_truncated(small_chunks, keep):
    blob = _write(os.urandom(500))
    cut = blob[:keep] if keep > 0 else blob[:keep]
    with pytest.raises(BackupTruncatedError, match="incomplete"):
        _read(cut)


def test_truncated_at_a_chunk_boundary(small_chunks):
    """Dropping whole trailing parts is noticed: the final flag is missing."""
    blob = _write(os.urandom(500))
    offsets = _chunk_offsets(blob)
    start, _ = offsets[-1]
    with pytest.raises(BackupTruncatedError, match="ends before its last part"):
        _read(blob[:start])


def test_flipped_byte_in_a_chunk(small_chunks):
    blob = bytearray(_write(os.urandom(500)))
    start, length = _chunk_offsets(bytes(blob))[3]
    blob[start + 5 + length // 2] ^= 0x01
    with pytest.raises(BackupDamagedError, match="part 4 fails its authenticity check"):
        _read(bytes(blob))


def test_flipped_final_flag(small_chunks):
    blob = bytearray(_write(os.urandom(500)))
    start, _ = _chunk_offsets(bytes(blob))[2]
    blob[start] = 1  # claim that part 3 is the last one, dropping the rest
    cut = bytes(blob[: start + _chunk_offsets(bytes(blob))[2][1]])
    with pytest.raises(BackupDamagedError, match="part 3 fails its authenticity check"):
        _read(cut)


def test_reordered_chunks(small_chunks):
    blob = _write(os.urandom(500))
    (a0, al), (b0, bl) = _chunk_offsets(blob)[1:3]
    swapped = blob[:a0] + blob[b0:b0 + bl] + blob[a0:a0 + al] + blob[b0 + bl:]
    with pytest.raises(BackupDamagedError, match="part 2 fails"):
        _read(swapped)


def test_appended_data(small_chunks):
    with pytest.raises(BackupDamagedError, match="data after its last part"):
        _read(_write(b"abc" * 50) + b"extra")


def test_edited_header(small_chunks):
    blob = _write(b"abc" * 50, header={"install_id": "abcdef"})
    with pytest.raises(BackupDamagedError, match="header does not match its checksum"):
        _read(blob.replace(b"abcdef", b"abcdeg", 1))


def test_edited_header_with_recomputed_checksum_is_refused(small_chunks):
    """An attacker can recompute the plain checksum, but not the keyed passphrase check."""
    import hashlib
    import struct

    blob = _write(b"abc" * 50, header={"install_id": "abcdef"})
    header = fmt.read_header(io.BytesIO(blob))
    raw = header.raw.replace(b"abcdef", b"zzzzzz")
    start = len(fmt.MAGIC) + 5
    forged = (blob[: len(fmt.MAGIC) + 1] + struct.pack(">I", len(raw)) + raw + hashlib.sha256(raw).digest()
              + blob[start + len(header.raw) + 32:])
    with pytest.raises(WrongPassphraseError):
        _read(forged)


def test_structure_check_without_passphrase(small_chunks, tmp_path):
    good = tmp_path / "good.mdbackup"
    good.write_bytes(_write(os.urandom(300)))
    assert fmt.check_structure(good).get("install_id") == "abc"
    cut = tmp_path / "cut.mdbackup"
    cut.write_bytes(good.read_bytes()[:-20])
    with pytest.raises(BackupTruncatedError):
        fmt.check_structure(cut)


def test_passphrase_is_unicode_normalised(small_chunks):
    """The same passphrase typed on macOS (decomposed) and Windows (composed) opens the file."""
    composed, decomposed = "Grüße aus Köln", "Gru\u0308ße aus Ko\u0308ln"
    assert composed != decomposed
    assert _read(_write(b"data" * 10, composed), decomposed) == b"data" * 10
