"""JSON Schemas shipped with profile-render (package data; see schemas/README.md)."""
