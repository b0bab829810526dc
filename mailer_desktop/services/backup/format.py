"""The ``.mdbackup`` container: a passphrase-encrypted, authenticated stream of chunks.

Layout (all integers big-endian)::

    b"MDBACKUP"  format version (1 byte)  header length (4)  header JSON
    SHA-256 of the header JSON (32)        passphrase check (32)
    chunk*: final flag (1)  ciphertext length (4)  ciphertext

The header is plain JSON (creation time, install id, schema version, key-derivation
parameters) so that backups can be listed and an incompatible one refused before asking for
the passphrase. Everything else is encrypted.

Cryptography comes from ``cryptography`` only: scrypt derives 64 bytes from the passphrase and
a random per-file salt; the first 32 are the AES-256-GCM key, the last 32 key an HMAC whose
value over the header digest is stored as the passphrase check (so a wrong passphrase is told
apart from a damaged file). Because every file has its own salt, and so its own key, the
nonce can be the chunk index plus the final flag (the STREAM construction); the associated
data binds the header digest, the chunk index and the final flag, so reordered, dropped,
appended or truncated chunks and an edited header are all detected. Nothing read from a
backup is trusted until its chunk's tag verified.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"MDBACKUP"
FORMAT_VERSION = 1
CHUNK_SIZE = 1 << 20
MIN_PASSPHRASE = 8
# scrypt cost (N=2^15, r=8: 32 MiB of memory); stored per file so it can be raised later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
_MAX_HEADER = 64 * 1024
_CHUNK_HEAD = struct.Struct(">BI")
_CHECK_LABEL = b"mailer-desktop backup passphrase check"


class BackupError(Exception):
    """A backup could not be made or read. The message is meant for the user."""


class NotABackupError(BackupError):
    pass


class WrongPassphraseError(BackupError):
    pass


class BackupDamagedError(BackupError):
    """Truncated, tampered with, or otherwise unreadable; nothing was changed."""


class BackupTruncatedError(BackupDamagedError):
    pass


@dataclass(frozen=True)
class Header:
    fields: dict[str, Any]
    raw: bytes
    digest: bytes
    check: bytes
    data_offset: int

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def check_passphrase_rules(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise BackupError(f"The backup passphrase must have at least {MIN_PASSPHRASE} characters.")


def _derive(passphrase: str, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
    try:
        salt = bytes.fromhex(kdf["salt"])
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupDamagedError(f"The backup's key-derivation settings are unreadable ({exc}).") from exc
    if kdf.get("name") != "scrypt" or not (2 <= n <= 1 << 22) or not (1 <= r <= 32) or not (1 <= p <= 16):
        raise BackupDamagedError("The backup names key-derivation settings this version does not accept.")
    # NFC so that the same passphrase typed on another system (macOS keyboards give NFD) matches.
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    material = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(secret)
    return material[:32], material[32:]


def _nonce(index: int, final: bool) -> bytes:
    return struct.pack(">QBxxx", index, 1 if final else 0)


def _aad(digest: bytes, index: int, final: bool) -> bytes:
    return digest + struct.pack(">QB", index, 1 if final else 0)


class BackupWriter:
    """Write one backup: ``with BackupWriter(fh, passphrase, header) as w: w.write(data)``."""

    def __init__(self, fh: BinaryIO, passphrase: str, header: dict[str, Any]):
        check_passphrase_rules(passphrase)
        kdf = {"name": "scrypt", "salt": os.urandom(16).hex(), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        fields = {**header, "format": FORMAT_VERSION, "kdf": kdf, "cipher": "AES-256-GCM",
                  "chunk_size": CHUNK_SIZE}
        raw = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")
        self._digest = hashlib.sha256(raw).digest()
        key, check_key = _derive(passphrase, kdf)
        self._aead = AESGCM(key)
        self._fh = fh
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        check = hmac.new(check_key, _CHECK_LABEL + self._digest, hashlib.sha256).digest()
        fh.write(MAGIC + bytes([FORMAT_VERSION]) + struct.pack(">I", len(raw)) + raw + self._digest + check)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:  # keep at least one byte back for the final chunk
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]

    def _emit(self, plain: bytes, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, final), plain, _aad(self._digest, self._index, final))
        self._fh.write(_CHUNK_HEAD.pack(1 if final else 0, len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def __enter__(self) -> BackupWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()


def read_header(fh: BinaryIO, name: str = "the file") -> Header:
    """The plain header; raises NotABackupError / BackupDamagedError with a specific reason."""
    head = fh.read(len(MAGIC) + 5)
    if head[: len(MAGIC)] != MAGIC:
        raise NotABackupError(f"{name} is not a Mailer Desktop backup (.mdbackup).")
    if len(head) < len(MAGIC) + 5:
        raise BackupTruncatedError(f"{name} is incomplete: it ends inside its header (truncated copy?).")
    version = head[len(MAGIC)]
    if version > FORMAT_VERSION:
        raise BackupError(f"{name} was made by a newer version of Mailer Desktop (backup format {version}); "
                          "please update the program to restore it.")
    (length,) = struct.unpack(">I", head[len(MAGIC) + 1:])
    if length > _MAX_HEADER:
        raise BackupDamagedError(f"{name} is damaged: its header length is impossible.")
    raw = fh.read(length)
    digest, check = fh.read(32), fh.read(32)
    if len(raw) < length or len(check) < 32:
        raise BackupTruncatedError(f"{name} is incomplete: it ends inside its header (truncated copy?).")
    if not hmac.compare_digest(hashlib.sha256(raw).digest(), digest):
        raise BackupDamagedError(f"{name} is damaged: its header does not match its checksum.")
    try:
        fields = json.loads(raw.decode("utf-8"))
        if not isinstance(fields, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        raise BackupDamagedError(f"{name} is damaged: its header is unreadable ({exc}).") from exc
    return Header(fields, raw, digest, check, len(MAGIC) + 5 + length + 64)


def _chunks(fh: BinaryIO, name: str) -> Iterator[tuple[int, bool, bytes]]:
    """(index, final, ciphertext) for each chunk, checking the framing only."""
    index = 0
    while True:
        head = fh.read(_CHUNK_HEAD.size)
        if not head:
            raise BackupTruncatedError(f"{name} is incomplete: it ends before its last part (truncated copy?).")
        if len(head) < _CHUNK_HEAD.size:
            raise BackupTruncatedError(f"{name} is incomplete: it ends inside part {index + 1}.")
        flag, length = _CHUNK_HEAD.unpack(head)
        if flag not in (0, 1) or length > CHUNK_SIZE + 16 or length < 16:
            raise BackupDamagedError(f"{name} is damaged: part {index + 1} has an impossible size or flag.")
        sealed = fh.read(length)
        if len(sealed) < length:
            raise BackupTruncatedError(f"{name} is incomplete: it ends inside part {index + 1}.")
        yield index, bool(flag), sealed
        if flag:
            if fh.read(1):
                raise BackupDamagedError(f"{name} was tampered with: it has data after its last part.")
            return
        index += 1


class BackupReader:
    """Open a backup with its passphrase and iterate over the decrypted, verified data."""

    def __init__(self, fh: BinaryIO, passphrase: str, name: str = "the file"):
        self.name = name
        self.header = read_header(fh, name)
        key, check_key = _derive(passphrase or "", self.header.get("kdf") or {})
        expected = hmac.new(check_key, _CHECK_LABEL + self.header.digest, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, self.header.check):
            raise WrongPassphraseError(f"The passphrase does not open {name}. Check it and try again.")
        self._aead = AESGCM(key)
        self._fh = fh

    def __iter__(self) -> Iterator[bytes]:
        for index, final, sealed in _chunks(self._fh, self.name):
            try:
                yield self._aead.decrypt(_nonce(index, final), sealed, _aad(self.header.digest, index, final))
            except InvalidTag:
                raise BackupDamagedError(
                    f"{self.name} was damaged or tampered with: part {index + 1} fails its authenticity check."
                ) from None


def check_structure(path: Path) -> Header:
    """Header and chunk framing without the passphrase: catches truncated and cut-off copies."""
    with open(path, "rb") as fh:
        header = read_header(fh, path.name)
        for _ in _chunks(fh, path.name):
            pass
    return header
