"""``tpm schema``: the JSON Schema of the plan, for editors (taplo, Even Better TOML)."""

from __future__ import annotations

import argparse

from tpm.commands.common import print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """tpm schema takes no arguments."""


def run(args: argparse.Namespace) -> int:
    """Print the schema."""
    from tpm.plan.model import Plan

    schema = Plan.model_json_schema()
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "tpm plan"
    print_json(schema)
    return 0
