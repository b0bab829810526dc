"""Throughput: 20,000 personalised messages (footer, List-Unsubscribe, multipart, send log)
over 4 connections to Postfix's smtp-sink on loopback, sent by the `campaign send` command (run
in this process), compared with smtp-source sending the same number of messages of the same
size over 4 sessions in the same run.

Targets on the reference machine: >= 1,500 msg/s and >= 0.25 of smtp-source.
Usage: python bench/send_throughput.py [--messages N] [--connections C]
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import time

from _common import SMTP_SOURCE, Sink, cleanup, data_folder, loopback_account, send_size_args

from mailer_desktop.cli import main as cli_main
from mailer_desktop.services.compose.renderer import CampaignRenderer
from mailer_desktop.services.contacts.people import get_contact
from mailer_desktop.services.sending.engine import campaign_status


def main() -> None:
    n, c = send_size_args(__doc__.splitlines()[0] if __doc__ else "")
    app, campaign_id = data_folder(n, pool=c)
    try:
        size = len(CampaignRenderer(app, campaign_id).bytes_for(get_contact(app, 1))[0])
        with Sink() as sink:
            loopback_account(app, sink.port, c)
            argv = ["--home", str(app.paths.home), "--json", "campaign", "send", str(campaign_id), "--account",
                    "bench", "--quiet"]
            out = io.StringIO()
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(out):  # `campaign send` itself, in this process
                code = cli_main(argv, keyring_backend=app.secrets.backend)  # the data folder's keys
            ours = time.perf_counter() - t0
            status = campaign_status(app, campaign_id)
            if code != 0:
                raise SystemExit(f"campaign send exited with {code}: {status}")
            if status["sent"] != n:
                raise SystemExit(f"only {status['sent']} of {n} were sent: {status}")
            t0 = time.perf_counter()
            subprocess.run([SMTP_SOURCE, "-s", str(c), "-m", str(n), "-l", str(size), "-f", "news@garden.example",
                            "-t", "reader@example.org", f"127.0.0.1:{sink.port}"], check=True,
                           stdout=subprocess.DEVNULL)
            theirs = time.perf_counter() - t0
    finally:
        cleanup(app)
    ours_rate, their_rate = n / ours, n / theirs
    print(f"messages: {n}, connections: {c}, message size: {size} bytes")
    print(f"mailer-desktop: {ours:.2f} s, {ours_rate:,.0f} msg/s")
    print(f"smtp-source:    {theirs:.2f} s, {their_rate:,.0f} msg/s")
    print(f"ratio: {ours_rate / their_rate:.3f}  (targets: >= 1,500 msg/s and >= 0.25)")


if __name__ == "__main__":
    main()
