"""GraphQL API: Stigg's schema (generated SDL), resolvers per area, HTTP execution."""
