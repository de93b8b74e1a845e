"""govkit: governance gates for spec-driven work (.GOV/ kernel layout)."""

__version__ = "0.1.0"
