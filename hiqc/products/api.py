"""Product design API (standard chapter 3; issue 17)."""

from ninja import Router

router = Router(tags=["products"])
