"""Gongkai (公开): the CLI and settings. The pipeline lives in ingest/, extract/, qa/, ui/, evals/."""

from gongkai.settings import apply_offline_env

apply_offline_env()

__version__ = "0.1.0"
