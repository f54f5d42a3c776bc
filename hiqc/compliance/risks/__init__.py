"""The risk register (standard 9.2; issue 20 §4, §5; ADR 0028): risks with their inherent and
residual ratings on a configurable 5×5 scale, the controls they rely on, key risk indicators read
from the indicator engine, and treatment plans as cases on the engine."""
