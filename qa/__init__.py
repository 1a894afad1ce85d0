"""Cited question answering over ingested budget disclosures (预算公开).

`qa.api.ask(question)` routes a question to the structured store (numbers, Decimal arithmetic,
citations = evidence of every figure used), to hybrid retrieval (reasons, purposes, policy basis),
or declines. Heavy libraries are imported only by the route that needs them.
"""
