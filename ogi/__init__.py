"""ogi-reports: 政府信息公开工作年度报告 → a validated research dataset.

The pipeline is fetch → extract → normalize → check → publish; this core package is the
contract every stage shares (types, errors, statuses, the dataset schema, the cell list,
printed-number grammar, settings). It imports nothing else of the project.
"""

__version__ = "0.1.0"
