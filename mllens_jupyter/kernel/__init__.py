"""The kernel side, thin over the core: `%mllens` (`magic`), its panel (`panel`, the plain model;
`widget`, the ipywidgets view; `panel_markdown`, the static fallback), the kernel's answers
(`answer_store`), the comm "mllens" to the notebook's frontend (`comm`, `protocol`), and whether a
notebook is open in a running server (`sessions`).

Importing this package imports nothing heavy: `%load_ext mllens_jupyter` stays instant.
"""
