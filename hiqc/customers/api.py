from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS

from . import selectors, services
from .schemas import (
    CustomerDataQualityOut,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    RevealIn,
    RevealOut,
    RevealRecordOut,
)

router = Router(tags=["customers"])


@router.get("/customers", response={200: list[CustomerOut], **ERRORS})
@paginate
def list_customers(request: HiqcRequest, q: str = ""):
    """Search by name fragment, or by an exact ID number or mobile number (keyed hash)."""
    require(request.actor, "customers.view")
    return selectors.customer_list(request.actor, q=q)


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def create_customer(request: HiqcRequest, payload: CustomerIn):
    data = payload.dict()
    org_unit_id = data.pop("org_unit_id")
    basis = data.pop("collection_basis")
    source_system = data.pop("source_system")
    return Status(
        201,
        services.customer_create(
            actor=request.actor,
            org_unit_id=org_unit_id,
            data=data,
            basis=basis,
            source_system=source_system,
        ),
    )


@router.get("/customers/reveals", response={200: list[RevealRecordOut], **ERRORS})
@paginate
def list_reveals(request: HiqcRequest, customer_id: UUID | None = None):
    """Access records of personal-data reveals (auditors)."""
    require(request.actor, "audit.view")
    return selectors.reveal_list(request.actor, customer_id=customer_id)


@router.get("/customer-data-quality", response={200: list[CustomerDataQualityOut], **ERRORS})
def customer_data_quality(request: HiqcRequest):
    """Customer-data quality per unit in scope (standard 6.1.1; issue 21 §3): missing fields,
    invalid resident ID numbers (GB 11643) and mobiles, records not updated for
    `customers.stale_years`. Anonymised customers are left out. The figures are the latest
    nightly tally's (`as_of`: its day); none before the first tally."""
    require(request.actor, "customers.view")
    from .quality import PROBLEMS, data_quality

    return [
        {
            "org_unit_id": u.unit_id,
            "org_unit_name": u.unit_name,
            "customers": u.total,
            "with_problem": u.with_problem,
            "clean_rate": u.clean_rate,
            **u.counts,
            "rates": {p: u.rate(p) for p in PROBLEMS},
            "as_of": u.day,
        }
        for u in data_quality(request.actor)
    ]


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request: HiqcRequest, customer_id: UUID):
    return selectors.access_customer(request.actor, customer_id)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def update_customer(request: HiqcRequest, customer_id: UUID, payload: CustomerPatch):
    data = payload.dict(exclude_unset=True)
    basis = data.pop("collection_basis", None) or "contract"
    return services.customer_update(
        actor=request.actor, customer_id=customer_id, data=data, basis=basis
    )


@router.post("/customers/{customer_id}/reveal", response={200: RevealOut, **ERRORS})
def reveal_customer_field(request: HiqcRequest, customer_id: UUID, payload: RevealIn):
    """Return one personal field in clear. Requires customers.reveal and a purpose; audited."""
    value = services.customer_reveal(
        actor=request.actor,
        customer_id=customer_id,
        field=payload.field,
        purpose=payload.purpose,
    )
    return {"field": payload.field, "value": value}
