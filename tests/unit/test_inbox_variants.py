"""The bounce classifier reads what a returned mail says, not how it was carried.

The classifier is judged on real mail it has not seen, and the same returned mail may reach the
mailbox re-encoded by a gateway, an archive or a mail client: line ends turned into CRLF or LF,
text parts sent as base64 or quoted-printable, header field names written in another case.
None of that changes the structure or the words of the mail, so none of it may change the
answers. For every labelled mail available (the development corpus in ../shared when it is
there, tests/fixtures/bounces-bounceparser, tests/fixtures/bounces/<server> and
tests/fixtures/bounces-replies/<server>) each variant
below is built mechanically from the raw bytes, and the sorted (recipient, kind, category)
answers of the variant must equal those of the original:

* ``lf`` / ``crlf``: every line end made LF, or CRLF;
* ``stdlib-round-trip``: the mail parsed and written out again by the stdlib ``email`` package
  with nothing changed (the control for the two re-encoded variants, which are written the same way);
* ``base64`` / ``quoted-printable``: every text/* and message/delivery-status leaf of the
  mail's own MIME tree re-encoded (RFC 2046 read strictly allows neither for
  message/delivery-status, but real servers send it so); the parts of an attached message are
  left as they are;
* ``base64-unterminated``: the same in base64, each text without its last line end, so that the
  final base64 group carries the last line's own characters and its "=" padding;
* ``field-names-upper`` / ``field-names-lower``: the top-level header field names in one case
  ("SUBJECT:", "subject:");
* ``dsn-field-names-upper``: the field names inside message/delivery-status parts (per-message
  and per-recipient, "FINAL-RECIPIENT:") upper-cased, in mails that have such a part.

A mail a variant leaves byte for byte as it was (an LF mail under ``lf``) is not compared; a
variant the stdlib cannot write out is skipped for that file, and such files must stay rare.
"""

from __future__ import annotations

import base64
import io
import quopri
import re
from collections.abc import Callable
from email import message_from_bytes
from email.generator import BytesGenerator
from email.message import Message
from email.policy import Compat32, compat32
from functools import cache
from pathlib import Path

import pytest

from mailer_desktop.domain.inbox import classify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# (variant, file name) -> why the answers differ. A file name is the corpus file's own name, or
# its path below tests/fixtures. Only for a genuine weakness of the classifier (the answers change
# because of the encoding alone), never for a fault of the variant builders below.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}

# The most files of one set a variant may skip because the stdlib cannot write them out.
MAX_SKIPPED_SHARE = 0.05

Answer = list[tuple[str | None, str, str]]


def _answer(raw: bytes) -> Answer:
    return sorted((r.recipient.lower() if r.recipient else None, r.kind, r.category) for r in classify(raw))


# --- mail sets: file name -> (raw bytes, answers to the original) -----------------------------


@cache
def _mail_set(folder: Path, pattern: str) -> dict[str, tuple[bytes, Answer]]:
    out = {}
    for path in sorted(folder.glob(pattern)):
        raw = path.read_bytes()
        out[path.relative_to(folder).as_posix()] = (raw, _answer(raw))
    return out


def _corpus(request) -> dict[str, tuple[bytes, Answer]]:
    corpus_dir = request.getfixturevalue("corpus_dir")  # skips when ../shared is not there
    return _mail_set(corpus_dir / "emails", "*.eml")


def _fixtures(request) -> dict[str, tuple[bytes, Answer]]:
    return {**_mail_set(FIXTURES, "bounces-bounceparser/emails/*.eml"), **_mail_set(FIXTURES, "bounces/*/*.eml"),
            **_mail_set(FIXTURES, "bounces-replies/*/*.eml")}


SETS = {"corpus": _corpus, "fixtures": _fixtures}


# --- writing a parsed mail out again ---------------------------------------------------------


class _AsParsed(Compat32):
    """compat32, except that header fields are written back as they were read.

    compat32 keeps a parsed field's value with its own folds but re-folds it on output (at 78
    columns, through email.header.Header), which would change header bytes no variant is about."""

    def fold_binary(self, name, value):
        return f"{name}: {value}{self.linesep}".encode("ascii", "surrogateescape")


class _Generator(BytesGenerator):
    def _handle_message_delivery_status(self, msg):
        # The stdlib writes a delivery-status body from its parsed field blocks; once re-encoded
        # the body is a string, written like any text body.
        if isinstance(msg.get_payload(), str):
            self._handle_text(msg)
        else:
            super()._handle_message_delivery_status(msg)


def _linesep(raw: bytes) -> str:
    return "\r\n" if b"\r\n" in raw else "\n"


def _write(msg: Message, linesep: str) -> bytes:
    """The mail's bytes again; an mbox "From " line only where the mail had one."""
    out = io.BytesIO()
    generator = _Generator(out, mangle_from_=False, policy=_AsParsed(linesep=linesep))
    generator.flatten(msg, unixfrom=msg.get_unixfrom() is not None)
    return out.getvalue()


def _parse(raw: bytes) -> Message:
    return message_from_bytes(raw, policy=compat32)


# --- the variants ----------------------------------------------------------------------------


def _own_leaves(part: Message):
    """The text/* and message/delivery-status leaves of the mail's own tree (not inside an attached message)."""
    ctype = part.get_content_type()
    if ctype == "message/delivery-status" or (part.get_content_maintype() == "text" and not part.is_multipart()):
        yield part
    elif part.get_content_maintype() == "multipart" and part.is_multipart():
        for child in part.get_payload():
            yield from _own_leaves(child)


def _decoded_body(part: Message, linesep: str) -> bytes:
    blocks = part.get_payload()
    if not isinstance(blocks, list):
        return part.get_payload(decode=True)
    # message/delivery-status: the stdlib holds the body as field blocks; written out, then decoded
    holder = Message(policy=compat32)
    holder["Content-Type"] = "message/delivery-status"
    holder.set_payload(blocks)
    head = f"Content-Type: message/delivery-status{linesep}{linesep}".encode()
    written = _write(holder, linesep)
    assert written.startswith(head)
    carrier = Message(policy=compat32)
    carrier["Content-Transfer-Encoding"] = part.get("Content-Transfer-Encoding", "8bit")
    carrier.set_payload(written[len(head):].decode("ascii", "surrogateescape"))
    return carrier.get_payload(decode=True)


def _reencoded(raw: bytes, cte: str, unterminated: bool = False) -> bytes | None:
    """``raw`` with its own text leaves in ``cte``; ``unterminated``: each text without its last
    line end, so that the last line's own characters fill the encoding's final group (base64
    padding: "...bQo=" must give back every byte)."""
    linesep = _linesep(raw)
    msg = _parse(raw)
    leaves = list(_own_leaves(msg))
    if not leaves:
        return None
    for part in leaves:
        text = _decoded_body(part, linesep).replace(b"\r\n", b"\n")
        if unterminated:
            text = text.rstrip(b"\n")
        if cte == "base64":  # the canonical form of text: CRLF line ends
            encoded = base64.encodebytes(text.replace(b"\n", b"\r\n"))
        else:
            encoded = quopri.encodestring(text)
        part.set_payload(encoded.decode("ascii"))
        if "Content-Transfer-Encoding" in part:
            part.replace_header("Content-Transfer-Encoding", cte)
        else:
            part["Content-Transfer-Encoding"] = cte
    return _write(msg, linesep)


_FIELD_NAME = re.compile(rb"^([!-9;-~]+)([ \t]*:)")


def _top_field_names(raw: bytes, case: Callable[[bytes], bytes]) -> bytes:
    lines = raw.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line in (b"\n", b"\r\n"):
            break
        lines[i] = _FIELD_NAME.sub(lambda m: case(m.group(1)) + m.group(2), line)
    return b"".join(lines)


def _delivery_status_parts(part: Message):
    if part.get_content_type() == "message/delivery-status":
        yield part
    elif part.is_multipart():
        for child in part.get_payload():
            yield from _delivery_status_parts(child)


def _dsn_field_names_upper(raw: bytes) -> bytes | None:
    msg = _parse(raw)
    found = False
    for part in _delivery_status_parts(msg):
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        upper = []
        for block in blocks:
            renamed = Message(policy=compat32)
            for name, value in block.raw_items():
                renamed[name.upper()] = value
            renamed.set_payload(block.get_payload())
            upper.append(renamed)
        part.set_payload(upper)
        found = True
    return _write(msg, _linesep(raw)) if found else None


# name -> builder: the variant's bytes, or None where the mail has nothing the variant changes
VARIANTS: dict[str, Callable[[bytes], bytes | None]] = {
    "lf": lambda raw: raw.replace(b"\r\n", b"\n"),
    "crlf": lambda raw: raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
    "stdlib-round-trip": lambda raw: _write(_parse(raw), _linesep(raw)),
    "base64": lambda raw: _reencoded(raw, "base64"),
    "base64-unterminated": lambda raw: _reencoded(raw, "base64", unterminated=True),
    "quoted-printable": lambda raw: _reencoded(raw, "quoted-printable"),
    "field-names-upper": lambda raw: _top_field_names(raw, bytes.upper),
    "field-names-lower": lambda raw: _top_field_names(raw, bytes.lower),
    "dsn-field-names-upper": _dsn_field_names_upper,
}


@pytest.mark.parametrize("mail_set", list(SETS))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_answers_survive_the_variant(request, variant, mail_set):
    mails = SETS[mail_set](request)
    build = VARIANTS[variant]
    compared, skipped, changed, still_known = 0, [], [], []
    for name, (raw, before) in mails.items():
        try:
            varied = build(raw)
        except Exception as exc:
            skipped.append(f"{name} ({type(exc).__name__})")
            continue
        if varied is None or varied == raw:
            continue
        compared += 1
        after = _answer(varied)
        known = (variant, name) in KNOWN_DIFFERENCES
        if after != before and not known:
            changed.append(f"  {name}:\n    before {before}\n    after  {after}")
        elif after == before and known:
            still_known.append(name)
    assert len(skipped) < MAX_SKIPPED_SHARE * len(mails), f"{len(skipped)} of {len(mails)} skipped: {skipped}"
    assert not changed, f"{len(changed)} of {compared} mails answer differently as {variant}:\n" + "\n".join(changed)
    assert not still_known, f"KNOWN_DIFFERENCES lists mails that now answer the same as {variant}: {still_known}"
    if not compared:
        pytest.skip(f"no mail in the {mail_set} set is changed by the {variant} variant")
