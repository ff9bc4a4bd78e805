"""Helpers shared by the test suite: free ports and external processes run by fixtures."""
