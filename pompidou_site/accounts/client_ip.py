"""The client's address, one rule for the lockouts (django-axes) and the throttles.

Behind TRUSTED_PROXY_COUNT proxies, each proxy appends the address it was connected from to
X-Forwarded-For, so the client is the entry that many places from the right; anything further
left was written by the client and is not trusted. With no proxy (the default), the header is
ignored: anyone could send it.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
        if len(forwarded) >= count:
            address = _valid(forwarded[-count])
            if address:
                return address
    return _valid(remote_addr) or "0.0.0.0"  # noqa: S104 - a placeholder, never bound  # nosec B104
