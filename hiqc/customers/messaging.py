"""Messages to customers through the notification backend: e-mail when the customer has one on
file, else SMS through the e-mail-to-SMS gateway (``<mobile>@HIQC_SMS_GATEWAY_DOMAIN``). In the demo
and in development Django's console / locmem e-mail backend stands in for both. Nothing personal is
logged; the destination is returned masked for the record that caused the message."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.views.decorators.debug import sensitive_variables

from .masking import mask_email, mask_mobile
from .models import Customer

logger = logging.getLogger(__name__)
SMS_GATEWAY_DOMAIN = "sms.localhost"


@dataclass(frozen=True)
class Route:
    channel: str  # "email" or "sms"
    masked: str
    address: str  # the real destination: never log or store it

    def __repr__(self) -> str:  # keep the address out of tracebacks and logs
        return f"Route({self.channel}, {self.masked})"


@sensitive_variables("email", "mobile")
def route_for(customer: Customer) -> Route | None:
    """Where a message to ``customer`` goes, or None when no contact is on file."""
    email, mobile = str(customer.email or "").strip(), str(customer.mobile or "").strip()
    if email:
        return Route("email", mask_email(email), email)
    if mobile:
        domain = getattr(settings, "HIQC_SMS_GATEWAY_DOMAIN", SMS_GATEWAY_DOMAIN)
        return Route("sms", mask_mobile(mobile), f"{mobile}@{domain}")
    return None


@sensitive_variables("text")
def deliver(route: Route, subject: str, text: str) -> bool:
    """Send one message; False (and a log line without personal data) if the backend failed."""
    try:
        send_mail(subject, text, None, [route.address], fail_silently=False)
    except Exception:
        logger.exception("customer message delivery failed (channel %s)", route.channel)
        return False
    return True
