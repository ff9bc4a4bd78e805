"""Domain services: customers, subscriptions, entitlements, usage, paywall, pricing."""
