"""stigg_emulator: a local Stigg-compatible API (GraphQL, edge reads, realtime) on SQLAlchemy."""

__all__: list[str] = []
