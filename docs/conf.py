"""Sphinx configuration of the netcluster manual (``sphinx-build -W -b html docs docs/_build``).

The pages are Markdown (MyST); the API reference is built from the numpydoc docstrings by
autodoc + napoleon.  Built with warnings as errors in the tests (tests/test_docs.py).
"""

import netcluster

project = "netcluster"
author = "netcluster developers"
copyright = "2026, netcluster developers"
release = version = netcluster.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "notebooks", "*.json"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # the README's headings start at level 1 and 2 as a page's

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {"members": False}

html_theme = "alabaster"
html_title = f"netcluster {release}"
html_static_path = []
language = "en"
