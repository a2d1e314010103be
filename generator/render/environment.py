"""The Jinja environment: strict, no autoescape, whitespace-controlled; filters are pure functions."""

from __future__ import annotations

import json
from functools import cache

import jinja2

from ..paths import templates_dir
from .annotations import docstring


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's; DEL, which TOML does not allow raw, is escaped."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = repr
    env.filters["docstring"] = docstring
    env.filters["tomlstr"] = toml_string
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
