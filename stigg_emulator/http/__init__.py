"""HTTP surface: Starlette app, edge routes, auth, CORS, realtime endpoints."""
