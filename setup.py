"""Build configuration that pyproject.toml cannot express: the top-level ``keymaps/``
directory (where users and the README point) is shipped inside the package as
``workbench.keymaps``, so an installed wheel finds its named keymaps exactly where an
editable checkout finds them (``workbench/tui/keymap.py`` looks in both places)."""

from setuptools import find_namespace_packages, setup

setup(
    # namespace discovery: data-only directories (replies/templates) are packages too
    packages=[*find_namespace_packages(include=["workbench", "workbench.*"], exclude=["*.__pycache__"]),
              "workbench.keymaps"],
    package_dir={"workbench.keymaps": "keymaps"},
)
