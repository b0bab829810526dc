"""``inbox classify --json`` over the real bounce corpus, scored with the corpus's own scorer."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer_desktop.domain.inbox import KINDS, classify

# Targets from the issue. Precision first: a bare "user unknown" with neither a status code nor
# the SMTP stage is not taken as a dead address (see domain/inbox/phrases.py).
TARGETS = {"recipient_recall": 0.97, "kind_accuracy": 0.95, "hard_precision": 0.98, "hard_recall": 0.95}


def _scorer(corpus_dir):
    spec = importlib.util.spec_from_file_location("bounce_score", corpus_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _with_crlf(src, dest_dir):
    """A copy of a mail file with every line ending in CRLF (as IMAP servers and mail clients save mail)."""
    dest = dest_dir / src.name
    dest.write_bytes(src.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return dest


@pytest.mark.parametrize("line_ends", ["as stored", "crlf"])
def test_corpus_scores_meet_the_targets(corpus_dir, cli, tmp_path, line_ends):
    sources = sorted((corpus_dir / "emails").glob("*.eml"))
    if line_ends == "crlf":
        (tmp_path / "crlf").mkdir()
        sources = [_with_crlf(p, tmp_path / "crlf") for p in sources]
    files = [str(p) for p in sources]
    code, out, err = cli("inbox", "classify", "--json", *files)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(files)
    for line in lines:
        obj = json.loads(line)
        assert set(obj) >= {"file", "results"}
        for r in obj["results"]:
            assert set(r) >= {"recipient", "kind", "status", "reason"} and r["kind"] in KINDS
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(out, encoding="utf-8")
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        _scorer(corpus_dir).main(["score.py", str(corpus_dir / "labels.json"), str(predictions)])
    score_line = report.getvalue().strip().splitlines()[-1]
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", score_line)}
    for name, target in TARGETS.items():
        assert scores[name] >= target, f"{name} {scores[name]:.4f} < {target} ({score_line})"


def test_classify_reads_an_mbox_and_a_folder(cli, tmp_path):
    from inbox_fixtures import fixture

    mbox = tmp_path / "returned.mbox"
    mbox.write_bytes(b"From MAILER-DAEMON Tue Nov  3 12:30:00 2026\n" + fixture("hard_bounce_reference.eml")
                     + b"\n\nFrom anna@example.org Mon Nov  2 10:00:00 2026\n" + fixture("unsubscribe_token_subject.eml")
                     + b"\n")
    code, out, err = cli("inbox", "classify", "--json", str(mbox))
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in rows] == ["returned.mbox#1", "returned.mbox#2"]
    assert [r["results"][0]["kind"] for r in rows] == ["hard", "unsubscribe"]


def test_classify_reports_a_missing_file(cli, tmp_path):
    code, out, err = cli("inbox", "classify", str(tmp_path / "nope.eml"))
    assert code == 1
    assert "nope.eml: no such file or folder" in err


def test_classify_says_when_it_found_no_mail(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = cli("inbox", "classify", "--json", str(empty))
    assert (code, out) == (0, "")  # no results: nothing on stdout for a script to read
    assert f"no mail found in {empty}" in err


_header_names = st.sampled_from(["Content-Type", "Content-Transfer-Encoding", "From", "Subject", "To",
                                 "X-Failed-Recipients", "Auto-Submitted", "Final-Recipient", "Status", "Action"])
_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["multipart/report; report-type=delivery-status; boundary=b", "multipart/mixed; boundary=\"",
                     "message/delivery-status", "message/rfc822", "message/feedback-report", "base64",
                     "quoted-printable", "text/plain; charset=x-unknown", "=?utf-8?b?////?=", "auto-replied",
                     "rfc822; <a@b.c>", "5.1.1", "failed", "delayed", "mailer-daemon@x.y"]),
)
_body_parts = st.lists(st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"--b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@y.z\r\n"
                     b"Action: failed\r\nStatus: 5.1.1\r\n", b"--b--\r\n", b"--b\r\nContent-Type: message/rfc822\r\n\r\n",
                     b"Content-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n", b"\r\n\r\n",
                     b"=?utf-8?q?=ZZ?=", b"\xff\xfe\x00", b"{\"notificationType\":\"Bounce\",\"bounce\":{"]),
), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(headers=st.lists(st.tuples(_header_names, _values), max_size=10), body=_body_parts)
def test_malformed_mime_never_raises(headers, body):
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("utf-8", "surrogateescape")
    results = classify(head + b"\r\n" + b"".join(body))
    assert results
    assert all(r.kind in KINDS for r in results)


_ctypes = st.sampled_from(["text/plain", "text/html", "message/delivery-status", "message/rfc822",
                           "message/feedback-report", "text/rfc822-headers", "application/octet-stream",
                           "multipart/report; report-type=delivery-status", "multipart/mixed", "message/global"])
_leaf_bodies = st.one_of(st.binary(max_size=120), st.sampled_from([
    b"Final-Recipient: rfc822; a@b.cc\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 no",
    b"Feedback-Type: abuse\r\nOriginal-Rcpt-To: <x@y.zz>", b"From: a@b.cc\r\nX-Mailer-Desktop-Ref: mdr1y2x",
    b"<a@b.cc>: host x said: 550 5.1.1 User unknown (in reply to RCPT TO command)", b"=E9=\r\n=ZZ", b"////====",
]))


def _mime_tree():
    leaf = st.builds(lambda ctype, cte, charset, body: (ctype, cte, charset, body), _ctypes,
                     st.sampled_from(["", "base64", "quoted-printable", "7bit", "x-uuencode"]),
                     st.sampled_from(["", "utf-8", "iso-2022-jp", "x-bogus", "utf-7"]), _leaf_bodies)
    return st.recursive(leaf, lambda children: st.lists(children, min_size=0, max_size=4), max_leaves=12)


def _render(node, depth=0) -> bytes:
    if isinstance(node, list):
        boundary = f"b{depth}x".encode()
        out = b"Content-Type: multipart/mixed; boundary=\"" + boundary + b"\"\r\n\r\npreamble\r\n"
        for child in node:
            out += b"--" + boundary + b"\r\n" + _render(child, depth + 1) + b"\r\n"
        return out + b"--" + boundary + b"--\r\n"
    ctype, cte, charset, body = node
    head = f"Content-Type: {ctype}" + (f"; charset={charset}" if charset else "") + "\r\n"
    if cte:
        head += f"Content-Transfer-Encoding: {cte}\r\n"
    return head.encode() + b"\r\n" + body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_mime_tree(), cut=st.integers(min_value=0, max_value=4000),
       top=st.sampled_from([b"From: MAILER-DAEMON@x.example\r\nSubject: Undelivered\r\n",
                            b"From: anna@example.org\r\nSubject: Re: unsubscribe\r\nAuto-Submitted: auto-replied\r\n",
                            b""]))
def test_random_mime_trees_and_truncations_never_raise(tree, cut, top):
    raw = top + b"MIME-Version: 1.0\r\n" + _render(tree)
    for candidate in (raw, raw[:cut]):
        results = classify(candidate)
        assert results and all(r.kind in KINDS for r in results)


@pytest.mark.parametrize("raw", [b"\n" * 100000, b"From: a\r\n" * 20000, b"Content-Type: multipart/mixed; boundary=a\r\n\r\n"
                                 + b"--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" * 500])
def test_pathological_mail_is_classified(raw):
    assert all(r.kind in KINDS for r in classify(raw))


def test_leave_one_family_out_keeps_the_targets_it_reaches(corpus_dir):
    """Each server family scored with only the rules other families back (tests/support/bounce_families.py):
    what already reaches the targets there must stay there, above all hard precision."""

    import bounce_families

    folder = bounce_families.corpus(corpus_dir)
    lofo, _ = bounce_families.leave_one_family_out(folder)
    scores = bounce_families.score(folder.labels, lofo)
    assert scores["recipient_recall"] >= 0.97, scores
    assert scores["hard_precision"] >= 0.98, scores
    assert scores["complaint_recall"] >= 0.95, scores


def test_leave_one_file_out_reaches_the_targets(corpus_dir):
    """Each mail scored without the rules that fire on no other mail of the corpus (a rule written
    for one mail): within the server families, the rules must carry from mail to mail."""

    import bounce_families

    folder = bounce_families.corpus(corpus_dir)
    loo, single = bounce_families.leave_one_file_out(folder)
    assert single > 0  # (rules that fire on one mail only exist, so something was switched off)
    scores = bounce_families.score(folder.labels, loo)
    assert scores["recipient_recall"] >= 0.97, scores
    assert scores["kind_accuracy"] >= 0.95, scores
    assert scores["hard_precision"] >= 0.98, scores
    assert scores["complaint_recall"] >= 0.95, scores
