"""Pricing page: hydrate the server-rendered paywall (with the signed-in visitor's current plan,
as the in-app paywall shows it); a plan choice follows the paywall's `cta-href` to checkout."""

from pyscript import document

from widgets.browser import mount, page_client, page_config

config = page_config()
client = page_client(config)
app = await mount(client, locale=config.get("locale") or "en")  # noqa: F704 - PyScript top-level await
document.body.dataset.python = "ready"
