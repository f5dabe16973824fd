"""The client's IP address behind exactly DJANGO_PROXY_COUNT trusted reverse proxies.

Every per-IP limit, the admin lock-out (django-axes) and every stored consent IP use
`client_ip()`; nothing else reads REMOTE_ADDR or X-Forwarded-For.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    """`value` as a canonical address, or None. An IPv4 client seen through an IPv6 socket
    (::ffff:a.b.c.d) is the same client as a.b.c.d; a link-local zone (%eth0) is dropped."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        if address.scope_id:
            address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
    return str(address)


def client_ip(request) -> str | None:
    """The address of the client that sent `request`.

    With PROXY_COUNT = 0 the peer address (REMOTE_ADDR); X-Forwarded-For is ignored, since
    anyone can send it. With N trusted proxies each appends the address it received the request
    from, so the client is the N-th entry from the right; entries further left were written by
    the client itself and are never trusted. A header with fewer than N entries (the request did
    not come through every proxy) or an entry that is not an IP address gives REMOTE_ADDR.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    hops = settings.PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < hops:
        return remote
    return _valid(forwarded[-hops]) or remote
