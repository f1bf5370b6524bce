"""Build configuration that pyproject.toml cannot express: the top-level ``keymaps/``
directory (where users and the README point) is shipped inside the package as
``workbench.keymaps``, so an installed wheel finds its named keymaps exactly where an
editable checkout finds them (``workbench/tui/keymap.py`` looks in both places).

The demo corpus ``vfio_workbench_demo`` is a second top-level package in the same wheel:
``--demo`` works from an install, and the corpus is not part of ``workbench``'s
fingerprint (``report/memo.py``)."""

from setuptools import find_namespace_packages, setup

setup(
    # namespace discovery: data-only directories (replies/templates) are packages too
    packages=[*find_namespace_packages(include=["workbench", "workbench.*", "vfio_workbench_demo",
                                                "vfio_workbench_demo.*"], exclude=["*.__pycache__"]),
              "workbench.keymaps"],
    package_dir={"workbench.keymaps": "keymaps"},
)
