"""Product design records (standard chapter 3; issue 17)."""

from .evaluation.models import (  # noqa: F401
    EvaluationCriterion,
    EvaluationExpert,
    EvaluationRound,
    ExpertScore,
)
