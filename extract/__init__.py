"""Typed extraction: Document → BudgetRecord (pydantic), validated against the tables' own arithmetic.

Light on import: heavy libraries (langchain, pandas, pyarrow, dask) load only inside the functions
that need them.
"""
