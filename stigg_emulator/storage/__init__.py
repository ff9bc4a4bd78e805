"""Persistent storage through SQLAlchemy 2 (SQLite by default, PostgreSQL by URL)."""

from stigg_emulator.storage.database import Database

__all__ = ["Database"]
