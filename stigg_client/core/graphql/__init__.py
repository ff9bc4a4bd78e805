"""Every GraphQL document both SDKs send: shared selections, entitlement and read documents,
and the server SDK's management and realtime documents."""
