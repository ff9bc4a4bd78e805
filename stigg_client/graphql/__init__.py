"""Our own GraphQL documents for Stigg's schema (protocol §2.1, Appendix D)."""
