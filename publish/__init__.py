"""Publishing Reports as the Parquet dataset: a local folder (:mod:`publish.local`) or object storage
(:mod:`publish.remote`)."""
