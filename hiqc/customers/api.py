from uuid import UUID

from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS

from . import selectors, services
from .schemas import CustomerIn, CustomerOut, CustomerPatch, RevealIn, RevealOut, RevealRecordOut

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
    return Status(
        201, services.customer_create(actor=request.actor, org_unit_id=org_unit_id, data=data)
    )


@router.get("/customers/reveals", response={200: list[RevealRecordOut], **ERRORS})
@paginate
def list_reveals(request: HiqcRequest, customer_id: UUID | None = None):
    """Access records of personal-data reveals (auditors)."""
    require(request.actor, "audit.view")
    return selectors.reveal_list(request.actor, customer_id=customer_id)


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request: HiqcRequest, customer_id: UUID):
    return selectors.access_customer(request.actor, customer_id)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def update_customer(request: HiqcRequest, customer_id: UUID, payload: CustomerPatch):
    return services.customer_update(
        actor=request.actor,
        customer_id=customer_id,
        data=payload.dict(exclude_unset=True),
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
