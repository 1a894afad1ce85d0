"""File-format loaders: each returns printed lines with their page/line provenance."""
