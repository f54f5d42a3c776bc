"""Product design records (standard chapter 3; issue 17). Each sub-package's models are imported
here so that Django finds them under the ``products`` label."""

from .evaluation.models import (  # noqa: F401
    EvaluationCriterion,
    EvaluationExpert,
    EvaluationRound,
    ExpertScore,
)
from .projects.models import ProductProject, ProjectAttachment  # noqa: F401
