-- DSA Transparency Database statements of reasons: the daily aggregate and its provenance.
-- Documented in docs/schema.md ("DSA statements of reasons"). Filled by transparency.sor.build_step.

CREATE TABLE sor_daily (
    date DATE NOT NULL, platform VARCHAR, platform_name VARCHAR NOT NULL, category VARCHAR,
    keyword VARCHAR, decision_visibility VARCHAR, decision_account VARCHAR,
    decision_monetary VARCHAR, decision_provision VARCHAR, decision_ground VARCHAR,
    automated_detection VARCHAR, automated_decision VARCHAR, content_type VARCHAR,
    source_type VARCHAR, count BIGINT NOT NULL
);

CREATE TABLE sor_rejects (file VARCHAR NOT NULL, line BIGINT NOT NULL, reason VARCHAR NOT NULL, raw VARCHAR);

CREATE TABLE sor_files (
    file VARCHAR PRIMARY KEY, sha1_ok BOOLEAN, rows BIGINT NOT NULL, rejects BIGINT NOT NULL,
    schema_version INTEGER NOT NULL, engine VARCHAR NOT NULL, date DATE NOT NULL, kind VARCHAR NOT NULL,
    scope VARCHAR, variant VARCHAR, sha1 VARCHAR, parts INTEGER, bytes BIGINT, rows_used BIGINT,
    ingested_at TIMESTAMP, seconds DOUBLE
);
