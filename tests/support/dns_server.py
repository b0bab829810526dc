"""A tiny authoritative DNS server on 127.0.0.1 for tests (dnspython message parsing over UDP).

``records`` maps (name, type) to a list of record texts, e.g.
``{("shop.example.", "TXT"): ['"v=spf1 -all"']}``. Unknown names get NXDOMAIN; known names
without that type get an empty answer.
"""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode
import dns.rrset


class LoopbackDns:
    def __init__(self, records: dict[tuple[str, str], list[str]] | None = None):
        self.records = dict(records or {})
        self.queries: list[tuple[str, str]] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="loopback-dns", daemon=True)

    def txt(self, name: str, *texts: str) -> None:
        """Add TXT records (plain strings; quoted and split into 255-byte chunks here)."""
        values = []
        for text in texts:
            chunks = [text[i:i + 200] for i in range(0, len(text), 200)] or [""]
            values.append(" ".join('"' + c.replace('"', '\\"') + '"' for c in chunks))
        self.records.setdefault((name.rstrip(".") + ".", "TXT"), []).extend(values)

    def __enter__(self) -> LoopbackDns:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= 0x0400  # authoritative
            for question in query.question:
                name, rtype = question.name.to_text().lower(), dns.rdatatype.to_text(question.rdtype)
                self.queries.append((name, rtype))
                values = self.records.get((name, rtype))
                if values:
                    response.answer.append(dns.rrset.from_text(question.name, 60, "IN", rtype, *values))
                elif not any(key[0] == name for key in self.records):
                    response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)
