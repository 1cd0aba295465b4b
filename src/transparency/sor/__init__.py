"""EU DSA Transparency Database statements of reasons (SoRs): daily dumps -> daily aggregate.

Modules, one job each:

- ``columns``    -- the dump's column lists (v1 = 37, v2 = 38), enumerations, aggregate keys
- ``archive``    -- safe streaming over the nested ZIP packaging (limits against hostile archives)
- ``csvtext``    -- the backslash-quote repair and the canonical one-line-one-record parser
- ``engine_duckdb`` / ``engine_spark`` -- two engines computing the same raw aggregate
- ``aggregates`` -- the official daily aggregates CSV (the cheap path)
- ``harmonise``  -- JSON-array cells, Yes/No flags, the v1 -> v2 mapping
- ``outputs``    -- per-day aggregate Parquet files written atomically under the home folder
- ``ingest``     -- orchestration used by ``transparency sor ingest``
- ``build_step`` -- loads the Parquet files into ``sor_daily``, ``sor_rejects``, ``sor_files``
- ``synth``      -- synthetic daily dumps in the exact official packaging (tests, benchmarks)
"""
