"""Helpers shared by the test suite: free ports, external processes started and stopped by fixtures."""
