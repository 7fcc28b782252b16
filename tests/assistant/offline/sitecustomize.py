"""Loaded by every Python process of the offline test (the CLI and its engine process alike).

Every attempt to open a network connection is refused and written down, so the test can prove
that Bothy tried none.
"""

import os
import socket

_LOG = os.environ["BOTHY_NET_LOG"]


def _refuse(kind):
    def blocked(self, address, *args, **kwargs):
        family = getattr(self, "family", None)
        if family == socket.AF_UNIX:  # local pipes (multiprocessing) are not the network
            return _real[kind](self, address, *args, **kwargs)
        with open(_LOG, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {kind} {address!r}\n")
        raise OSError(101, "Network is unreachable (blocked by the offline test)")

    return blocked


_real = {"connect": socket.socket.connect, "connect_ex": socket.socket.connect_ex, "sendto": socket.socket.sendto}
socket.socket.connect = _refuse("connect")
socket.socket.connect_ex = _refuse("connect_ex")
socket.socket.sendto = _refuse("sendto")
_real_getaddrinfo = socket.getaddrinfo


def _no_dns(host, *args, **kwargs):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} getaddrinfo {host!r}\n")
    raise socket.gaierror(-3, "DNS blocked by the offline test")


socket.getaddrinfo = _no_dns
with open(_LOG, "a", encoding="utf-8") as f:
    f.write(f"{os.getpid()} guard-installed\n")
