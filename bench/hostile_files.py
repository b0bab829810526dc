"""Hostile and broken input files at the sizes of the reports: the time and peak memory of each.

Every case runs the command a user would (``contacts import``, ``inbox import``, ``campaign
create``) in a fresh process against a throw-away data folder, and prints what it answered,
its wall time and its peak resident memory (the process and its helpers). The files are made
first (tests/support/hostile_inputs.py) and deleted afterwards.

    .venv/bin/python bench/hostile_files.py [--only NAME ...] [--scale 0.1] [--keep DIR]

Targets: refused or read in <= 10 s; the shared-strings bomb <= 600 MB; vCards <= 2 s (soft
breaks) and <= 10 s (huge values); the mbox <= 300 MB; the 200 MB CSV <= 400 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))

import hostile_inputs as hf  # noqa: E402

MB = hf.MB

# Runs one CLI command with the tests' file-backed keyring (the keys outlive the process).
RUNNER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {support!r})
    from filekeyring import FileKeyring
    from mailer_desktop.cli import main
    keys = FileKeyring(sys.argv.pop(1))
    sys.exit(main(sys.argv[1:], keyring_backend=keys))
""").format(support=str(ROOT / "tests" / "support"))


def run(home: Path, *argv: str, timeout: float = 900) -> tuple[int, str, float, int]:
    """(exit code, last line it printed, seconds, peak RSS in MB) of one CLI run."""
    out = tempfile.TemporaryFile()
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", RUNNER, str(home.parent / f"{home.name}.keyring"),
                              "--home", str(home), *argv], stdout=out,
                             stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.01)
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    lines = [ln for ln in out.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    return child.returncode, (lines[-1] if lines else ""), seconds, usage.ru_maxrss // 1024


def prepare(home: Path) -> None:
    code, said, _, _ = run(home, "sender", "set", "--name", "Shop", "--from", "news@shop.example",
                           "--postal-address", "1 Main Street\\nSpringfield",
                           "--unsubscribe-mailbox", "unsub@shop.example")
    if code:
        raise SystemExit(f"setting up the sender failed: {said}")
    people = home.parent / "people.csv"
    people.write_text("email,name\nanna@example.com,Anna\n", encoding="utf-8")
    code, said, _, _ = run(home, "contacts", "import", str(people), "--list", "News")
    if code:
        raise SystemExit(f"setting up a list failed: {said}")


def cases(work: Path, scale: float):
    """(name, target, make the input -> argv) for every case."""
    def size(n: int) -> int:
        return max(MB, int(n * scale))

    def contacts(path: Path, *extra: str):
        return ["contacts", "import", str(path), *extra]

    def template(body: str):
        def make():
            path = work / "template.html"
            path.write_text(body, encoding="utf-8")
            return ["campaign", "create", "--name", "T", "--subject", "S", "--list", "News", "--html", str(path)]
        return make

    def fifo(name: str):
        path = work / name
        if not path.exists():
            os.mkfifo(path)
        return path

    def wide_csv() -> list[str]:
        # 200 MB in rows a CRM export could have (address, name, a long notes column), the bad byte last
        path = work / "wide.csv"
        note = "called about the spring order; prefers mail in the morning; " * 5
        with path.open("wb") as fh:
            fh.write(b"email,name,notes\n")
            number, written = 1, 0
            while written < size(200 * MB):
                number += 1
                line = f"person{number}@example.com,J\u00fcrgen {number},{note}\n".encode()
                fh.write(line)
                written += len(line)
            fh.write(b"late@example.com,J\xfcrgen,x\n")
        return contacts(path, "--encoding", "utf-8")

    yield ("xlsx declaring A1:XFD1048576", "<= 10 s",
           lambda: contacts(hf.xlsx_declared_everything(work / "dimension.xlsx")))
    yield (f"xlsx shared strings {size(3072 * MB) // MB} MB", "<= 10 s, <= 600 MB",
           lambda: contacts(hf.xlsx_shared_strings_bomb(work / "strings.xlsx", size(3072 * MB))))
    yield (f"xlsx one {size(1024 * MB) // MB} MB cell", "refused, <= 10 s",
           lambda: contacts(hf.xlsx_giant_cell(work / "cell.xlsx", size(1024 * MB))))
    yield ("vCard 40k QP soft breaks", "<= 2 s",
           lambda: contacts(hf.vcard_soft_breaks(work / "qp.vcf", 40_000)))
    yield (f"vCard {size(100 * MB) // MB} MB line", "refused, <= 10 s",
           lambda: contacts(hf.vcard_long_line(work / "line.vcf", size(100 * MB))))
    yield (f"vCard {size(146 * MB) // MB} MB folded value", "refused, <= 10 s",
           lambda: contacts(hf.vcard_long_line(work / "folded.vcf", size(146 * MB), folded=True)))
    yield ('template {{ "a" * 2000000000 }}', "one line", template('<p>{{ "a" * 2000000000 }}</p>'))
    yield ("template {{ range(10**6)|length }}", "one line", template("<p>{{ range(10**6)|length }}</p>"))
    yield ("FIFO to inbox import", "not a regular file", lambda: ["inbox", "import", str(fifo("returns.mbox"))])
    yield ("FIFO to contacts import", "says what it is", lambda: contacts(fifo("pipe.csv")))
    yield ("folder to contacts import", "says what it is", lambda: contacts(work))
    yield (f"mbox {size(1024 * MB) // MB} MB", "<= 300 MB",
           lambda: ["inbox", "import", str(hf.mbox(work / "big.mbox", size(1024 * MB)))])
    yield (f"returned mail repeating one line, {size(64 * MB) // MB} MB", "<= 60 s",
           lambda: ["inbox", "import", str(hf.returned_mail_repeating(work / "loop.mbox", size(64 * MB)))])
    yield (f"CSV {size(200 * MB) // MB} MB --encoding utf-8, bad byte", "<= 400 MB", wide_csv)
    yield ("UTF-8 CSV, one bad byte at the end", "stays UTF-8, row reported",
           lambda: contacts(hf.csv_with_bad_byte(work / "names.csv", size(10 * MB))[0]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="run the cases whose name contains one of these")
    parser.add_argument("--scale", type=float, default=1.0, help="file sizes relative to the reports' (default 1)")
    parser.add_argument("--keep", metavar="DIR", help="make the files and data folders here and keep them")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"{'case':<44} {'target':<26} {'time':>8} {'peak':>8}  answer")
        for name, target, make in cases(work, args.scale):
            if args.only and not any(o.lower() in name.lower() for o in args.only):
                continue
            home = work / f"home-{abs(hash(name))}"
            prepare(home)
            argv = make()
            code, said, seconds, peak = run(home, *argv)
            print(f"{name:<44} {target:<26} {seconds:7.2f}s {peak:6d}MB  [{code}] {said[:150]}", flush=True)
            for made in work.iterdir():
                if made.suffix != ".keyring" and not made.is_dir() and not args.keep:
                    made.unlink()
            shutil.rmtree(home, ignore_errors=True)
            (work / f"{home.name}.keyring").unlink(missing_ok=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
