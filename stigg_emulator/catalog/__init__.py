"""The product catalog: YAML format, loader and in-memory model."""

from stigg_emulator.catalog.loader import load_catalog
from stigg_emulator.catalog.model import Catalog
from stigg_emulator.catalog.yaml_lines import CatalogError

__all__ = ["Catalog", "CatalogError", "load_catalog"]
