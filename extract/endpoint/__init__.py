"""The optional LLM backend, shared by qa and extract: one OpenAI-compatible endpoint reached
through LangChain, with a deadline per question / document, a circuit breaker, failures said in
plain words, and structured output that works on common servers.

Modules: `budget` (deadlines, breakers), `errors` (what went wrong, in plain words), `client` (one
bounded chat call), `structured` (tools / json_schema / plain JSON), `check` (`gongkai llm check`),
`cli`. Importing this package imports nothing heavy; langchain_openai is imported on the first call.
"""
