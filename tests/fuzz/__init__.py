"""atheris fuzz targets for the input boundary (see targets.py and docs/security.md)."""
