"""ogi-reports: 政府信息公开工作年度报告 → a validated research dataset.

The pipeline is fetch → extract → normalize → check → publish; this core package
holds what every stage shares (types, errors, the dataset schema) and the CLI.
"""

__version__ = "0.1.0"
