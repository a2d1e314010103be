"""Every model's field descriptions and JSON schema digest, to compare two trees (issue 18, first20; not a test).

    .venv/bin/python bench/model_descriptions.py SRC PACKAGE OUT.json

Imports every module of `PACKAGE.types` from SRC (a generated package's `src` folder), and writes, per
model class, its fields' `model_fields[...].description` (those that have one) and the SHA-256 of its
`model_json_schema()` (sorted keys; the exception's name where a schema cannot be made). Two trees — a
`git archive` copy of main's and this branch's, or two generated GitHub trees — compare with `cmp`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
import sys
from typing import Any


def collect(package: str) -> dict[str, dict[str, Any]]:
    import pydantic

    types = importlib.import_module(package + ".types")
    names = sorted(m.name for m in pkgutil.iter_modules(types.__path__, package + ".types."))
    descriptions: dict[str, Any] = {}
    schemas: dict[str, str] = {}
    for name in names:
        module = importlib.import_module(name)
        for cname, cls in sorted(vars(module).items()):
            if not (
                isinstance(cls, type)
                and issubclass(cls, pydantic.BaseModel)
                and cls.__module__ == name
            ):
                continue
            key = f"{name}.{cname}"
            found = {
                f: i.description for f, i in cls.model_fields.items() if i.description is not None
            }
            if found:
                descriptions[key] = found
            try:
                schema = json.dumps(cls.model_json_schema(), sort_keys=True)
                schemas[key] = hashlib.sha256(schema.encode()).hexdigest()
            except Exception as exc:  # noqa: BLE001 - recorded, compared like a digest
                schemas[key] = "error: " + type(exc).__name__
    return {"descriptions": descriptions, "schemas": schemas}


def main(src: str, package: str, out: str) -> None:
    sys.path.insert(0, src)
    data = collect(package)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    described = sum(len(v) for v in data["descriptions"].values())
    print(
        f"{len(data['descriptions'])} models with descriptions, {described} described fields, "
        f"{len(data['schemas'])} schemas"
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
