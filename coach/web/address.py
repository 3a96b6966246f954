"""Where ``coach serve`` listens, and the address the phone is given.

A phone cannot reach ``localhost``: the feed's URLs carry the machine's LAN
address. :func:`lan_address` finds it by asking the kernel which local address
a UDP socket would use toward a private-range address (``connect`` on UDP
sends nothing); without a route it falls back to the loopback address.
:func:`check_host` refuses ``0.0.0.0`` and ``::`` (every interface) unless the
user passes ``--all-interfaces``.
"""

from __future__ import annotations

import ipaddress
import socket

from coach.errors import OutputError, UsageError

ALL_INTERFACES = ("0.0.0.0", "::")


def lan_address() -> str:
    """This machine's address on the local network (``127.0.0.1`` when it has none)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.connect(("10.254.254.254", 9))  # route lookup only: UDP connect sends nothing
        address: str = sock.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        sock.close()
    return address


def check_host(host: str, all_interfaces: bool) -> str:
    """``host`` as given, checked: an IP address or a name; every-interface binds only
    with ``all_interfaces``."""
    text = host.strip()
    if not text or any(c.isspace() or c in "/?#@[]" for c in text):
        raise UsageError(f"--host must be an address or a host name, got {host!r}")
    if text in ALL_INTERFACES and not all_interfaces:
        raise UsageError(f"--host {text} listens on every network the computer is on; "
                         "give --all-interfaces to mean it, or leave --host out to use "
                         "the home network address")
    return text


def check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, got {port}")


def open_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free port)."""
    check_port(port)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise UsageError(f"--host {host}: no such address ({err.strerror})") from None
    family, _type, _proto, _name, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as err:
        sock.close()
        raise OutputError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    return sock


def url_host(sock: socket.socket, host: str) -> str:
    """The host part for URLs: the bound address (bracketed for IPv6); for an
    every-interface bind, the LAN address."""
    bound = sock.getsockname()[0]
    name = lan_address() if bound in ALL_INTERFACES else host
    try:
        if ipaddress.ip_address(name).version == 6:
            return f"[{name}]"
    except ValueError:
        pass
    return name
