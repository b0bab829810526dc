"""Restoring an older backup over the current data keeps the opt-outs and erasures made since.

A backup is a picture of the past. Put back over the current data, it would bring back people
who unsubscribed, complained or hard-bounced after it was made, and people whose data was
erased (GDPR Art. 17) — and the next campaign would mail them. So before the current database
is replaced, its suppression list is read, and the restored copy gets every entry it lacks:

- every entry (address or domain; unsubscribed, bounce, complaint, manual, erased) is added,
  so those addresses are never mailed nor imported again;
- an ``erased`` entry also erases the matching contact of the backup again (its fields,
  lists, consent trail, deliveries, bounce and inbox rows), leaves one ``erased`` event
  without personal data, and the file is compacted so no byte of it remains;
- a contact of the backup whose address unsubscribed, complained or hard-bounced since gets
  that status, with a consent event saying where it came from.

Entries are keyed hashes: they carry over only when the backup uses the same suppression key
as the current data (the normal case: a backup of this data folder). Otherwise nothing is
carried and the report says how many entries were left behind.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ...domain import consent
from ...domain.suppression import KeyedHasher
from ...secrets import SUPPRESSION_KEY, SecretStore
from ...storage import contacts as store
from ...storage.db import connect_read_only, now_iso
from .keys_guard import fingerprint

# Suppression reasons that come from a contact's own opt-out event (unsubscribed, bounced, complained);
# repeated soft bounces make a contact bounced too (services/inbox/processor).
_EVENT_OF_REASON = {**{reason: kind for kind, reason in consent.SUPPRESSION_REASON.items()},
                    "soft_bounce": consent.EV_BOUNCED}
_BATCH = 5000


@dataclass
class Carryover:
    """The current data folder's suppression list, read before a restore replaces it."""

    rows: list[tuple]          # (hash, scope, reason, created_at, display, note)
    key: bytes | None          # the current suppression key (None: not in the keyring)
    fingerprint: str | None = None  # the key's fingerprint the database recorded (keys_guard)
    install_id: str = ""       # the current data folder's install id
    unreadable: bool = False   # the current database could not be read: nothing to carry, say so

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class CarryoverResult:
    suppressions_kept: int = 0      # entries added to (or made 'erased' in) the restored copy
    erasures_reapplied: int = 0     # contacts of the backup erased again
    opt_outs_applied: int = 0       # contacts of the backup whose status became an opt-out
    suppressions_not_carried: int = 0  # entries left behind: the backup uses another key
    current_unreadable: bool = False  # the replaced data's suppression list could not be read

    def summary(self) -> str:
        """One sentence for the user ('' when there was nothing to carry)."""
        if self.current_unreadable:
            return ("The suppression list of the replaced data could not be read, so opt-outs and erasures made "
                    "since the backup are not kept: check the suppression list.")
        if self.suppressions_not_carried:
            return (f"{self.suppressions_not_carried} suppression list entries of the replaced data could not be "
                    "kept: the backup comes from another data folder (another suppression key).")
        if not self.suppressions_kept:
            return ""
        done = [_count(self.erasures_reapplied, "contact") + " erased again"] if self.erasures_reapplied else []
        if self.opt_outs_applied:
            done.append(_count(self.opt_outs_applied, "contact") + " marked as opted out")
        return (f"Kept {_count(self.suppressions_kept, 'suppression list entry', 'suppression list entries')} "
                "made since the backup (opt-outs, blocks, erasures)" + (f": {', '.join(done)}" if done else "") + ".")


def _raw(hex_hash: str) -> bytes:
    """The digest of a stored hash (b'' for an entry that is not one of ours: it matches nobody)."""
    try:
        return bytes.fromhex(hex_hash)
    except ValueError:
        return b""


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def read_current(db_path: Path, keyring_backend) -> Carryover | None:
    """The suppression list of the database at ``db_path`` (None when there is no file; a file
    that cannot be read gives an ``unreadable`` Carryover, so the restore can say so)."""
    if not db_path.is_file():
        return None
    try:
        conn = connect_read_only(db_path, timeout=10)
        try:
            install = conn.execute("SELECT value FROM app_meta WHERE key = 'install_id'").fetchone()
            recorded = conn.execute("SELECT value FROM app_meta WHERE key = ?",
                                    (f"key_fingerprint:{SUPPRESSION_KEY}",)).fetchone()
            rows = [tuple(r) for r in conn.execute(
                "SELECT hash, scope, reason, created_at, display, note FROM suppressions")]
        finally:
            conn.close()
    except sqlite3.Error:
        return Carryover([], None, unreadable=True)
    if not install:
        return None
    try:
        key = SecretStore(install[0], keyring_backend).get_key(SUPPRESSION_KEY)
    except Exception:  # no usable keyring: the hashes cannot be compared
        key = None
    return Carryover(rows, key, recorded[0] if recorded else None, install[0])


def apply(conn: sqlite3.Connection, carry: Carryover, restored_key: bytes | None,
          restored_install_id: str = "") -> CarryoverResult:
    """Bring the current suppression list into the restored database open on ``conn`` (one
    transaction, the caller compacts the file when contacts were erased)."""
    result = CarryoverResult(current_unreadable=carry.unreadable)
    if carry.empty:
        return result
    if restored_key is None and restored_install_id and restored_install_id == carry.install_id:
        # A backup made before this folder's suppression key existed: the restored folder goes
        # on with the key the keyring holds for it, the one the current entries were made with.
        restored_key = carry.key
    # The same key: the database's record of it says so (this works when the keyring lost it
    # meanwhile), or the keyring still holds it.
    same = restored_key is not None and (
        fingerprint(restored_key) == carry.fingerprint if carry.fingerprint else restored_key == carry.key)
    if not same:
        result.suppressions_not_carried = len(carry.rows)
        return result
    have = {h: reason for h, reason in conn.execute("SELECT hash, reason FROM suppressions")}
    new_rows = [r for r in carry.rows if r[0] not in have or (r[2] == "erased" and have[r[0]] != "erased")]
    if not new_rows:
        return result
    now = now_iso()
    conn.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten in their pages too
    conn.execute("BEGIN IMMEDIATE")
    try:
        for h, scope, reason, created_at, display, note in new_rows:
            conn.execute(
                "INSERT INTO suppressions (hash, scope, reason, created_at, display, note) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(hash) DO UPDATE SET reason = 'erased', display = NULL, note = ''",
                (h, scope, reason, created_at, *((None, "") if reason == "erased" else (display, note))))
        result.suppressions_kept = len(new_rows)
        wanted = {_raw(h): reason for h, scope, reason, *_ in new_rows if scope == "address" and _raw(h)}
        if wanted:
            _apply_to_contacts(conn, wanted, KeyedHasher(restored_key), now, result)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return result


def _apply_to_contacts(conn: sqlite3.Connection, wanted: dict[bytes, str], hasher: KeyedHasher, now: str,
                       result: CarryoverResult) -> None:
    erase: list[tuple[int, str, str]] = []
    opt_out: list[tuple[int, str, consent.Transition]] = []
    cur = conn.execute("SELECT id, email, email_key, status FROM contacts")
    while rows := cur.fetchmany(_BATCH):
        for cid, email, key, status in rows:
            reason = wanted.get(hasher.address(key))
            if reason == "erased":
                erase.append((cid, email, key))
            elif reason in _EVENT_OF_REASON:
                try:
                    step = consent.transition(status, _EVENT_OF_REASON[reason])
                except consent.ConsentError:  # already as severe an opt-out
                    continue
                if step.after != status:
                    opt_out.append((cid, _EVENT_OF_REASON[reason], step))
    for cid, email, key in erase:
        store.delete_contact(conn, cid)
        for text in {email, key}:
            store.delete_unlinked_inbox_mentions(conn, text)
        store.insert_event(conn, None, consent.EV_ERASED, now, "restore", "",
                           "erased again after a restore: the erasure was made after this backup", None, None)
    for cid, kind, step in opt_out:
        store.set_status(conn, cid, step.after, now)
        store.insert_event(conn, cid, kind, now, "restore", "",
                           "opt-out recorded after this backup was made, kept when it was restored",
                           step.before, step.after)
    result.erasures_reapplied = len(erase)
    result.opt_outs_applied = len(opt_out)
