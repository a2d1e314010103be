"""The regeneration workflow: spec change reports (`clientgen diff`), live-spec drift (`clientgen fetch`,
`clientgen check --live`) and the pieces the pre-commit hook and CI use. Plain functions, no click: the
commands are declared in generator/commands/ and print through generator/console.py.

changes.py      Change / Report data, classification levels, semver suggestion
sides.py        one spec file → IR + naming pass (the input of every comparison)
wire_schema.py  direction-aware comparison of schemas (request vs response)
wire_ops.py     operations, parameters, bodies, status codes, security, access tier
surface.py      the Python surface of a generated client, from the IR, names and view objects
py_diff.py      comparison of two Python surfaces
prose.py        documentation-only changes and the prose-free document used for drift
diff.py         orchestration: two spec files → Report
text.py         terminal / plain-text report; markdown_json.py: Markdown and JSON reports
fetch.py        HTTP download with timeout, retries and ETag caching, validated as OpenAPI
live.py         compare a target's committed spec with the live one; --update
"""
