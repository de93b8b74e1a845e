"""The JSON Schemas of LLM answers (govkit/schemas/<name>.json) and their validation."""

from __future__ import annotations

import json
from pathlib import Path

_DIR = Path(__file__).resolve().parent.parent / "schemas"
_cache: dict[str, dict] = {}

# task -> schema file (the task names every provider understands)
TASK_SCHEMAS = {
    "review": "review.v1.json",
    "efficiency": "efficiency.v1.json",
    "refinement_draft": "refinement_draft.v1.json",
    "report_draft": "report_draft.v1.json",
    "changeset": "changeset.v1.json",
}


def load_schema(name: str) -> dict:
    """A schema by file name ("review.v1.json") or task name ("review"). Read as a file next to
    the package: importlib.resources costs start-up time."""
    fname = TASK_SCHEMAS.get(name, name)
    if fname not in _cache:
        path = _DIR / fname
        try:
            _cache[fname] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            from govkit.llm.errors import LLMError

            raise LLMError("config", f"schema {fname} cannot be read: {exc}") from None
    return _cache[fname]


def errors(obj, schema: dict) -> list[str]:
    """Validation errors of obj against schema, as short readable lines (empty: valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))[:10]:
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        out.append(f"{where}: {err.message[:300]}")
    return out


def strict_ok(schema) -> bool:
    """True when the schema meets OpenAI strict mode: every object closes additionalProperties
    and requires all of its properties. Otherwise it is sent with strict false."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False:
                return False
            if sorted(schema.get("required", [])) != sorted(props):
                return False
        return all(strict_ok(v) for v in schema.values())
    if isinstance(schema, list):
        return all(strict_ok(v) for v in schema)
    return True
