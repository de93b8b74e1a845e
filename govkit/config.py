"""Configuration: optional .GOV/govkit.yaml over built-in defaults (the kernel layout)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import NamedTuple

from govkit.errors import GovkitError

CONFIG_REL = ".GOV/govkit.yaml"

DEFAULTS: dict = {
    # compat: judge repositories made by the original scripts as they did (plus warnings);
    # strict (what `govkit init` writes): the original's defects fixed, locks and keys required.
    "profile": "compat",
    "paths": {
        "gov_dir": ".GOV",
        "spec_current": ".GOV/roles_shared/SPEC_CURRENT.md",
        "task_board": ".GOV/roles_shared/TASK_BOARD.md",
        "traceability_registry": ".GOV/roles_shared/WP_TRACEABILITY_REGISTRY.md",
        "signature_audit": ".GOV/roles_shared/SIGNATURE_AUDIT.md",
        "gate_log": ".GOV/roles/orchestrator/ORCHESTRATOR_GATES.json",
        "validator_gates_dir": ".GOV/validator_gates",
        "legacy_validator_gates": ".GOV/roles/validator/VALIDATOR_GATES.json",
        "refinements_dir": ".GOV/refinements",
        "task_packets_dir": ".GOV/task_packets",
        "stubs_dir": ".GOV/task_packets/stubs",
        "templates_dir": ".GOV/templates",
        "keys_dir": ".GOV/keys",
        "approvals_dir": ".GOV/approvals",
        "state_dir": ".GOV/.govkit",
    },
    "spec": {
        "dir": ".",
        "file_pattern": "*_Master_Spec_v*.md",
    },
    "wp_id_pattern": r"^WP-[A-Za-z0-9][A-Za-z0-9._-]*$",
    "main_branch": "main",
    "branch_template": "feat/{wp}",
    "worktree_template": "../wt-{wp}",
    "signature": {
        "token_pattern": r"^[a-z]+[0-9]{12}$",
        "min_interval_seconds": 10,
        # a token's DDMMYYYYHHMM (UTC) must lie within this many seconds of now; 0: off
        "window_seconds": 86400,
    },
    "validator": {"min_gate_interval_seconds": 5},
    "packet": {
        "required_fields": ["TASK_ID", "RISK_TIER", "SCOPE", "TEST_PLAN", "DONE_MEANS", "BOOTSTRAP"],
        # The sections the coder may edit; every other section of a packet is locked.
        "coder_sections": ["BOOTSTRAP", "SKELETON", "STATUS_HANDOFF", "VALIDATION",
                           "EVIDENCE_MAPPING", "EVIDENCE", "VALIDATION_REPORTS"],
    },
    "manifest": {
        # Changed files that need no manifest entry (the "docs-only" exemption).
        "exempt_paths": [".GOV/**"],
    },
    "forbidden_patterns": [],
    # govkit ci: product code must never reference the governance directory ([CX-211]/[CX-212]).
    "boundary": {"enabled": True, "product_paths": ["src/", "app/", "tests/"], "allow": []},
    "approvals": {"require_signed": False, "trusted_keys": []},
    "audit": {
        "key_file": None,
        "rotate_bytes": 67108864,
        "redact_patterns": [],
    },
    "lock": {"timeout_seconds": 10},
    # govkit run: test_command (argument list) replaces the packet's TEST_PLAN when set.
    "loop": {"test_command": None, "test_timeout_seconds": 600, "review_timeout_seconds": 120,
             "max_file_bytes": 1048576, "max_changeset_bytes": 8388608, "max_edits": 500,
             "allow_force_efficiency": False},
    "limits": {"max_artifact_bytes": 8388608},
    # The LLM provider (govkit/llm/): stub works offline; openai takes any compatible endpoint.
    "llm": {
        "provider": "stub",
        "base_url": None,
        "model": "gpt-4o-mini",
        "api_key_env": "OPENAI_API_KEY",
        "structured": "json_schema",
        "timeout_seconds": 60,
        "max_retries": 2,
        "schema_attempts": 3,
        "deadline_seconds": 300,
        "replay_file": None,
        "token_budget": 12000,
        "breaker": {"failure_threshold": 5, "window_seconds": 60, "cooldown_seconds": 30},
        "rate": {"rate_per_second": 2.0, "burst": 4, "jitter_seconds": 0.1},
    },
}


class Config(NamedTuple):
    data: dict
    source: str | None  # the config file path, or None for defaults

    def get(self, dotted: str):
        node = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    def path(self, key: str) -> str:
        return self.data["paths"][key]


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _line_of(node, path: list) -> int | None:
    """Line of a key path inside a PyYAML node tree (1-based), for error messages."""
    import yaml

    line = None
    for part in path:
        if not isinstance(node, yaml.MappingNode):
            break
        for k, v in node.value:
            if k.value == str(part):
                line, node = k.start_mark.line + 1, v
                break
        else:
            break
    return line


def load(root: Path) -> Config:
    """DEFAULTS, or DEFAULTS merged with a valid .GOV/govkit.yaml (GovkitError otherwise).

    A config file that was read and validated before (same bytes, same schema, same govkit)
    comes from the parse cache: no YAML parser and no JSON Schema validator on the hot path."""
    cfg_path = root / CONFIG_REL
    if not cfg_path.exists():
        return Config(copy.deepcopy(DEFAULTS), None)
    from govkit.util.textio import read_text

    return from_doc(root, read_text(cfg_path, CONFIG_REL, allow_empty=True))


def from_bytes(root: Path, raw: bytes | None) -> Config:
    """The config as the file's bytes `raw` define it (None: no file, the defaults); post-work
    and ci judge a change with the config of its base, never the config the change brings."""
    if raw is None:
        return Config(copy.deepcopy(DEFAULTS), None)
    from govkit.util.textio import decode

    return from_doc(root, decode(raw, CONFIG_REL))


def from_doc(root: Path, doc) -> Config:
    from govkit import __version__

    # The schema ships inside the package; reading it as a file skips importlib.resources (and
    # the zipfile, tempfile and pathlib readers it imports), which start-up cannot afford.
    schema_raw = (Path(__file__).parent / "schemas" / "config.schema.json").read_bytes()
    from govkit.store.cache import for_repo

    store = for_repo(root)
    if store is not None:
        from govkit.store.cache import key

        k = key("config", __version__, schema_raw, doc.raw)
        data = store.get(k)
        if isinstance(data, dict):
            return Config(_merge(DEFAULTS, data), CONFIG_REL)
    data = _validated(doc, json.loads(schema_raw))
    if store is not None and _json_exact(data):
        store.put(k, data)
    return Config(_merge(DEFAULTS, data), CONFIG_REL)


def _json_exact(data) -> bool:
    """True when JSON keeps data exactly (YAML can hold dates and non-string keys)."""
    try:
        return json.loads(json.dumps(data)) == data
    except (TypeError, ValueError):
        return False


def _validated(doc, schema: dict) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(doc.text, Loader=loader)
        data = yaml.load(doc.text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GovkitError(f"invalid YAML: {getattr(exc, 'problem', exc)}", path=CONFIG_REL,
                          line=mark.line + 1 if mark else None) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GovkitError("config must be a mapping of keys", path=CONFIG_REL, line=1)
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        keypath = list(err.absolute_path)
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            keypath = keypath + extra[:1]
            msg = f"unknown key '{'.'.join(map(str, keypath))}'"
            hint = "known keys here: " + ", ".join(sorted(err.schema.get("properties", {})))
        else:
            msg = f"'{'.'.join(map(str, keypath)) or '(top)'}': {err.message}"
            hint = "see docs/user-guide.md#configuration"
        raise GovkitError(msg, path=CONFIG_REL, line=_line_of(node, keypath), hint=hint)
    return data
