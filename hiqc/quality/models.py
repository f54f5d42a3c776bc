"""The quality app's models, defined in its sub-domain packages (app label ``quality``).

Django discovers an app's models through this module: the sub-domains' models are imported here.
"""

from __future__ import annotations

from .nonconformities.models import Nonconformity
from .plans.models import ImprovementAction, ImprovementPlan

__all__ = ["ImprovementAction", "ImprovementPlan", "Nonconformity"]
