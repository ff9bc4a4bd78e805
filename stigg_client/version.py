"""The SDK's version, exported as `stigg_client.__version__` and the default `client_version`."""

__version__ = "0.1.0"
