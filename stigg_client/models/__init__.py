"""Pydantic v2 models: snake_case attributes, camelCase JSON (`model_dump(by_alias=True)`)."""
