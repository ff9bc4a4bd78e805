"""The emulated billing integration: money, cards, invoices, checkout, test clock."""
