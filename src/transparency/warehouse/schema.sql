-- The warehouse schema. Documented column by column in docs/schema.md.

CREATE TABLE sources (
    source_id VARCHAR PRIMARY KEY, publisher VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL, homepage VARCHAR NOT NULL, formats VARCHAR NOT NULL,
    cadence VARCHAR NOT NULL, licence VARCHAR NOT NULL, download_urls VARCHAR, reporter VARCHAR,
    platform VARCHAR, coverage VARCHAR, expected_lag_days INTEGER, verification VARCHAR
);

CREATE TABLE snapshots (
    sha256 VARCHAR PRIMARY KEY, source_id VARCHAR NOT NULL, url VARCHAR NOT NULL,
    final_url VARCHAR, filename VARCHAR, retrieved_at TIMESTAMP NOT NULL, published_at DATE,
    media_type VARCHAR, bytes BIGINT, storage_path VARCHAR, origin VARCHAR NOT NULL,
    vintage DATE NOT NULL, vintage_basis VARCHAR NOT NULL, records INTEGER NOT NULL
);

CREATE TABLE platforms (platform_id VARCHAR PRIMARY KEY, name VARCHAR, company VARCHAR, homepage VARCHAR);
CREATE TABLE services (platform_id VARCHAR, service_id VARCHAR, name VARCHAR, PRIMARY KEY (platform_id, service_id));
CREATE TABLE platform_aliases (alias VARCHAR, platform_id VARCHAR, service_id VARCHAR, note VARCHAR);
CREATE TABLE scopes (raw_label VARCHAR, scope VARCHAR);
CREATE TABLE policy_areas (
    policy_area VARCHAR PRIMARY KEY, label VARCHAR, parent VARCHAR, dsa_category VARCHAR,
    dsa_keyword VARCHAR, csea_family VARCHAR, description VARCHAR
);
CREATE TABLE metrics (metric VARCHAR PRIMARY KEY, label VARCHAR, unit VARCHAR, kind VARCHAR, definition VARCHAR);
CREATE TABLE label_map (source_id VARCHAR, field VARCHAR, raw_label VARCHAR, harmonised VARCHAR, note VARCHAR);

CREATE TABLE observations (
    series_id VARCHAR NOT NULL, source_id VARCHAR NOT NULL, platform VARCHAR, service VARCHAR,
    scope VARCHAR, period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR,
    policy_area VARCHAR, metric VARCHAR, value DOUBLE, unit VARCHAR, qualifier VARCHAR,
    value_text VARCHAR, raw_platform_label VARCHAR, raw_policy_label VARCHAR,
    raw_metric_label VARCHAR, raw_scope_label VARCHAR, reporter VARCHAR NOT NULL,
    snapshot_sha256 VARCHAR NOT NULL, row_ref VARCHAR, vintage DATE NOT NULL, note VARCHAR,
    is_current BOOLEAN NOT NULL
);

CREATE TABLE findings (severity VARCHAR, "check" VARCHAR, source_id VARCHAR, file VARCHAR, "row" VARCHAR, message VARCHAR);

CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);

-- Current values only: the latest vintage of every key.
CREATE VIEW current_observations AS SELECT * FROM observations WHERE is_current;

-- Every vintage of every value, less a curated transcription's rows (source kind 'curated
-- transcription') whose key a publisher's own current file also gives: charts show the
-- publisher's figure once, not the same figure twice from two sources.
CREATE VIEW preferred_observations AS
WITH curated AS (SELECT source_id FROM sources WHERE kind = 'curated transcription'),
own AS (SELECT * FROM current_observations WHERE source_id NOT IN (SELECT source_id FROM curated))
SELECT * FROM observations WHERE source_id NOT IN (SELECT source_id FROM curated)
UNION ALL BY NAME
SELECT c.* FROM observations c
WHERE c.source_id IN (SELECT source_id FROM curated)
  AND NOT EXISTS (
      SELECT 1 FROM own o
      WHERE o.platform IS NOT DISTINCT FROM c.platform AND o.service IS NOT DISTINCT FROM c.service
        AND o.scope IS NOT DISTINCT FROM c.scope AND o.period_start = c.period_start
        AND o.period_end = c.period_end AND o.policy_area IS NOT DISTINCT FROM c.policy_area
        AND o.metric IS NOT DISTINCT FROM c.metric AND o.reporter = c.reporter);

-- One current value per key for comparisons (the preferred rows of the latest vintage).
CREATE VIEW comparable_observations AS SELECT * FROM preferred_observations WHERE is_current;

-- Every number with the public file, URL and retrieval date it came from.
CREATE VIEW observations_with_provenance AS
SELECT o.*, s.url AS source_url, s.filename AS source_file, s.retrieved_at, s.published_at,
       src.publisher, src.licence
FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
JOIN sources src ON src.source_id = o.source_id;

-- Keys whose value differs between vintages: one row per change, old beside new. A key is a
-- series (harmonised labels, or the raw ones where a label is unmapped, so two unmapped labels
-- never pass for one series) and a period. A value that changes and changes back is two rows.
-- Differences of float rounding alone (0.781 printed as 0.7809999999999999) are not changes.
-- said_by_publisher: the new file marks the value (a footnote, an asterisk) or notes it as
-- restated, revised or corrected; otherwise the restatement is silent.
CREATE VIEW revisions AS
WITH ordered AS (
    SELECT o.*, s.url, s.retrieved_at, s.filename,
           lag(o.value) OVER w AS old_value, lag(o.value_text) OVER w AS old_value_text,
           lag(o.vintage) OVER w AS old_vintage, lag(o.snapshot_sha256) OVER w AS old_snapshot,
           lag(s.url) OVER w AS old_url, lag(s.filename) OVER w AS old_file, row_number() OVER w AS n
    FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
    WINDOW w AS (PARTITION BY o.series_id, o.period_start, o.period_end
                 ORDER BY o.vintage, s.retrieved_at, o.snapshot_sha256, o.row_ref)
)
SELECT series_id, source_id, platform, service, scope, period_start, period_end, period_label,
       policy_area, metric, unit, raw_policy_label, raw_metric_label,
       old_value, value AS new_value, old_value_text, value_text AS new_value_text,
       CASE WHEN old_value IS NULL THEN 'added' WHEN value IS NULL THEN 'withdrawn' ELSE 'restated' END AS change,
       CASE WHEN old_value IS NOT NULL AND old_value <> 0 AND value IS NOT NULL
            THEN (value - old_value) / abs(old_value) END AS relative_change,
       old_vintage, vintage AS new_vintage, old_snapshot, snapshot_sha256 AS new_snapshot,
       old_url, url AS new_url, old_file, filename AS new_file, note AS new_note,
       (qualifier = 'footnote' OR regexp_matches(coalesce(note, ''), '(?i)restat|revis|correct|updated'))
           AS said_by_publisher
FROM ordered
-- pairs within one file are not restatements (labels left unmapped can share a key there)
WHERE n > 1 AND old_snapshot <> snapshot_sha256
  AND ((old_value IS NULL) <> (value IS NULL)
       OR abs(value - old_value) > 1e-9 * greatest(abs(value), abs(old_value)));

-- What each release changed of values published before: one row per release (snapshot) that
-- restated anything, for advocates: how many earlier values it changed (and how many of the
-- earlier keys it repeated), the largest relative changes, and whether the publisher said so
-- (a footnote or note in the file) or changed them silently.
CREATE VIEW release_revisions_summary AS
WITH r AS (SELECT * FROM revisions WHERE change = 'restated'),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY new_snapshot
                                 ORDER BY abs(relative_change) DESC NULLS LAST, series_id, period_start) AS k
    FROM r
),
repeated AS (  -- keys of each release that an earlier release of the same source already gave
    SELECT o.snapshot_sha256, count(*) AS values_repeated
    FROM observations o
    WHERE o.value IS NOT NULL AND EXISTS (
        SELECT 1 FROM observations p
        WHERE p.series_id = o.series_id AND p.period_start = o.period_start
          AND p.period_end = o.period_end AND p.vintage < o.vintage AND p.value IS NOT NULL)
    GROUP BY 1
)
SELECT ranked.source_id, any_value(ranked.platform) AS platform, s.filename, ranked.new_vintage AS vintage,
       s.vintage_basis, s.url, ranked.new_snapshot AS snapshot_sha256,
       any_value(ranked.old_vintage ORDER BY ranked.old_vintage DESC) AS previous_vintage,
       coalesce(any_value(rep.values_repeated), 0) AS values_repeated,
       count(*) AS values_restated,
       count(*) FILTER (WHERE ranked.said_by_publisher) AS said_by_publisher,
       count(*) FILTER (WHERE NOT ranked.said_by_publisher) AS silent,
       max(abs(ranked.relative_change)) AS max_abs_relative_change,
       string_agg(ranked.platform || '/' || ranked.service || ' ' || coalesce(ranked.policy_area, ranked.raw_policy_label)
                  || ' ' || coalesce(ranked.metric, ranked.raw_metric_label) || ' ' || ranked.period_label || ': '
                  || coalesce(ranked.old_value_text, ranked.old_value::VARCHAR) || ' -> '
                  || coalesce(ranked.new_value_text, ranked.new_value::VARCHAR)
                  || coalesce(' (' || round(100 * ranked.relative_change, 1)::VARCHAR || '%)', ''),
                  '; ' ORDER BY ranked.k) FILTER (WHERE ranked.k <= 5) AS largest_changes
FROM ranked JOIN snapshots s ON s.sha256 = ranked.new_snapshot
LEFT JOIN repeated rep ON rep.snapshot_sha256 = ranked.new_snapshot
GROUP BY ranked.source_id, s.filename, ranked.new_vintage, s.vintage_basis, s.url, ranked.new_snapshot
ORDER BY ranked.source_id, vintage, s.filename;
