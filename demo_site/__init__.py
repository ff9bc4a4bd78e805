"""The demo site: pages that run stigg_client in the browser, and the local runtime they load."""
