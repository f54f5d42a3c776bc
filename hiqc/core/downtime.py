"""Downtime providers: equipment outages that other domains draw over their own figures (issue 19
§6; standard 8.2.3 with 4.1.3(1)).

The call centre's service level suffers when its telephony is down, an outlet's waiting time when
its queue machine is; but the call-centre app sits below the facilities app in the layers and
must not import it. So the kernel keeps a registry: a domain that records outages registers a
provider from ``AppConfig.ready`` (the facilities app registers its fault tickets' downtime), and
a reader asks ``downtime_intervals(org_path, start, end, categories=…)`` without knowing who
answers. Intervals carry no personal data (an asset, a category, a severity, a ticket number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

# The equipment category whose outages stop the telephone service (the call-centre dashboard asks
# for it; the facilities app's ``EquipmentCategory.TELEPHONY`` has this code).
TELEPHONY = "telephony"


@dataclass(frozen=True)
class Downtime:
    """One outage over [start, end) (``end`` None: still down)."""

    start: datetime
    end: datetime | None
    org_path: str  # where the equipment is
    category: str  # an equipment category code, e.g. "telephony"
    label: str  # what people read: the asset and the fault, e.g. "DEMO-EQ-MY-PBX 交换机故障"
    severity: str = ""
    reference: str = ""  # the record that holds it (a fault ticket's number)
    url: str = ""


# (org path of a subtree, start, end, categories or None for all) → the outages overlapping it
DowntimeProvider = Callable[[str, datetime, datetime, tuple[str, ...] | None], Iterable[Downtime]]

_PROVIDERS: dict[str, DowntimeProvider] = {}


def register_downtime_provider(name: str, provider: DowntimeProvider) -> None:
    """Declare a source of outages (once per name; a second, different one fails loudly)."""
    if _PROVIDERS.get(name, provider) is not provider:
        raise ValueError(f"downtime provider {name!r} registered twice")
    _PROVIDERS[name] = provider


def downtime_intervals(
    org_path: str, start: datetime, end: datetime, *, categories: Iterable[str] | None = None
) -> list[Downtime]:
    """Every registered provider's outages of equipment in the subtree at ``org_path`` that
    overlap [start, end), oldest first. The caller has scoped ``org_path`` already (it is the unit
    whose figures it shows)."""
    wanted = tuple(categories) if categories is not None else None
    out: list[Downtime] = []
    for provider in _PROVIDERS.values():
        out.extend(provider(org_path, start, end, wanted))
    return sorted(out, key=lambda d: (d.start, d.reference))
