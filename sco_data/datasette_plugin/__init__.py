"""Datasette plugin for `sco-data serve`, loaded with --plugins-dir (every .py file here)."""
