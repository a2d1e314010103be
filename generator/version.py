"""The generator's version: written here only (pyproject.toml reads it; `generator.__version__`)."""

__version__ = "0.1.0"
