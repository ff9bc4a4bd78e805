"""Python scripts the demo pages run in the browser (Pyodide via PyScript), not on the server."""
