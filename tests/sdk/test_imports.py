"""Import-time constraints: cheap `import stigg_client`, no CPython-only transport at import."""

from __future__ import annotations

import subprocess
import sys


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def test_package_import_is_cheap() -> None:
    out = run("import sys, stigg_client; print('pydantic' in sys.modules, 'httpx' in sys.modules)")
    assert out == "False False"


def test_client_import_needs_only_stdlib_and_pydantic() -> None:
    code = (
        "import sys\n"
        "for name in ('httpx', 'requests', 'pyodide', 'js', 'pyodide_http'):\n"
        "    sys.modules[name] = None  # any import of these now fails\n"
        "from stigg_client import Stigg\n"
        "import stigg_client.client.checkout, stigg_client.visibility, stigg_client._bench\n"
        "client = Stigg.initialize(api_key='k', offline=True)\n"
        "print(client.get_boolean_entitlement('f').is_fallback)\n"
    )
    assert run(code) == "True"


def test_auto_transport_is_httpx_on_cpython() -> None:
    from stigg_client.platform import create_transport
    from stigg_client.transport.httpx_transport import HttpxTransport

    assert isinstance(create_transport("auto"), HttpxTransport)


def test_sdk_warnings_never_reach_stderr_unless_the_app_configures_logging() -> None:
    """PyScript shows stderr as an error box on the page: with no logging configured, an SDK
    warning must not fall through to logging's last-resort handler (which prints to stderr)."""
    code = (
        "import logging, stigg_client\n"
        "logging.getLogger('stigg_client.anything').warning('an SDK warning')\n"
        "logging.getLogger('stigg_client').error('an SDK error')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stderr == ""
    configured = (
        "import logging, sys, stigg_client\n"
        "logging.basicConfig(stream=sys.stdout, format='%(name)s %(message)s')\n"
        "logging.getLogger('stigg_client').warning('shown')\n"
    )
    assert run(configured) == "stigg_client shown"


def test_client_import_builds_no_model_and_skips_portal_and_estimates() -> None:
    """Start-up cost in the browser: validators are built on first use (`defer_build`), and the
    portal and estimate models are not imported until a portal or an estimate is asked for."""
    code = (
        "import sys\n"
        "from stigg_client import Stigg\n"
        "from stigg_client.models.paywall import Paywall\n"
        "print(Paywall.__pydantic_complete__,\n"
        "      'stigg_client.models.portal' in sys.modules,\n"
        "      'stigg_client.models.estimates' in sys.modules)\n"
        "Paywall.model_validate({'plans': []})\n"
        "print(Paywall.__pydantic_complete__)\n"
    )
    assert run(code).split() == ["False", "False", "False", "True"]
