"""Traceability: spec requirements -> refinement anchors and packets -> evidence -> verdicts."""
