"""Resolvers, one module per area."""
