"""The run, composed: plan inputs → fetch → extract + normalize in workers → publish → result.

Sits on top of everything else; the CLI (:mod:`pipeline.cli`) and the Prefect flows call it.
"""
