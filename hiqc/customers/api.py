from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.schemas import ErrorOut

from . import selectors, services
from .schemas import CustomerIn, CustomerOut, CustomerPatch, RevealIn, RevealOut, RevealRecordOut

router = Router(tags=["customers"])
E = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/customers", response={200: list[CustomerOut], **E})
@paginate
def list_customers(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    """Search by name fragment, or by an exact ID number or mobile number (keyed hash)."""
    require(request.actor, "customers.view")  # type: ignore[attr-defined]
    return selectors.customer_list(request.actor, q=q)  # type: ignore[attr-defined]


@router.post("/customers", response={201: CustomerOut, **E})
def create_customer(request: HttpRequest, payload: CustomerIn):  # type: ignore[no-untyped-def]
    data = payload.dict()
    org_unit_id = data.pop("org_unit_id")
    return Status(201, services.customer_create(actor=request.actor, org_unit_id=org_unit_id, data=data))  # type: ignore[attr-defined]


@router.get("/customers/reveals", response={200: list[RevealRecordOut], **E})
@paginate
def list_reveals(request: HttpRequest, customer_id: UUID | None = None):  # type: ignore[no-untyped-def]
    """Access records of personal-data reveals (auditors)."""
    require(request.actor, "audit.view")  # type: ignore[attr-defined]
    return selectors.reveal_list(request.actor, customer_id=customer_id)  # type: ignore[attr-defined]


@router.get("/customers/{customer_id}", response={200: CustomerOut, **E})
def get_customer(request: HttpRequest, customer_id: UUID):  # type: ignore[no-untyped-def]
    return selectors.access_customer(request.actor, customer_id)  # type: ignore[attr-defined]


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **E})
def update_customer(request: HttpRequest, customer_id: UUID, payload: CustomerPatch):  # type: ignore[no-untyped-def]
    return services.customer_update(actor=request.actor, customer_id=customer_id,  # type: ignore[attr-defined]
                                    data=payload.dict(exclude_unset=True))


@router.post("/customers/{customer_id}/reveal", response={200: RevealOut, **E})
def reveal_customer_field(request: HttpRequest, customer_id: UUID, payload: RevealIn):  # type: ignore[no-untyped-def]
    """Return one personal field in clear. Requires customers.reveal and a purpose; audited."""
    value = services.customer_reveal(actor=request.actor, customer_id=customer_id,  # type: ignore[attr-defined]
                                     field=payload.field, purpose=payload.purpose)
    return {"field": payload.field, "value": value}
