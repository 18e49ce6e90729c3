"""Turns a folder of curated YAML records into a sourced, chronological static website."""

__version__ = "0.1.0"
