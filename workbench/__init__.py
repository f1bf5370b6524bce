"""vfio-workbench: a terminal workbench for vfio-pci variant-driver patch series."""

__version__ = "0.1.0"
