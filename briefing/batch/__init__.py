"""Bulk runs: OpenAI Batch API and vLLM ``run_batch`` files.

``requests`` builds request lines from chunks (the synchronous path's bodies and cache keys),
``files`` writes and reads JSONL streaming, ``submit`` uploads and starts batches, ``poll`` reads
their state, ``collect`` validates answers into the cache and the store. ``flow`` alone knows the
order.
"""
