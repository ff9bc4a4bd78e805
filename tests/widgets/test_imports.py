"""Start-up cost in the browser: a page without a portal never imports the portal's renderer or
the SDK's portal models, and `widgets.render` still offers them."""

from __future__ import annotations

import subprocess
import sys


def test_browser_widgets_import_no_portal_until_a_portal_renders() -> None:
    code = (
        "import sys\n"
        "from widgets.browser import mount\n"
        "print(sorted(n for n in ('stigg_client.models.portal', 'widgets.render.portal')\n"
        "             if n in sys.modules))\n"
        "from widgets.render import PortalOptions, render_customer_portal\n"
        "print(render_customer_portal.__module__, PortalOptions.__module__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.splitlines() == ["[]", "widgets.render.portal widgets.render.portal"]
