"""clientgen: OpenAPI 3.0/3.1 → a typed Python client package."""

__version__ = "0.1.0"
