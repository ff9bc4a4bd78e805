"""Wire JSON shapes (GraphQL field names) shared by GraphQL resolvers and edge routes."""
