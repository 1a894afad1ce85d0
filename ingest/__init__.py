"""Ingestion: files → Document (with provenance) → chunks → hybrid index."""
