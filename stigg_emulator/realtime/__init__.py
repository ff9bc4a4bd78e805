"""Real-time pushes: a hub fed by committed changes, GraphQL over WebSocket, and SSE."""
