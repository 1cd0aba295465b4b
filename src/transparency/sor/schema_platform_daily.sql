-- DSA statements of reasons per platform and day (shantay's summary statistics of the whole
-- Transparency Database), the Commission's own daily counts, their reconciliation, the cross-check
-- against the harmonised reports, and the platforms' published report lists.
-- Documented in docs/schema.md ("DSA statements of reasons per platform and day").
-- Filled by transparency.sor.platform_daily.

-- Contract (used by checks): one row per day, platform name as printed (service), field and value.
CREATE TABLE sor_platform_daily (
    date DATE NOT NULL, platform VARCHAR, service VARCHAR NOT NULL, field VARCHAR NOT NULL,
    code VARCHAR, statements BIGINT NOT NULL, source_id VARCHAR NOT NULL
);

-- Which registry platform and service each printed name is (service_id NULL: not one service).
CREATE TABLE sor_services (service VARCHAR PRIMARY KEY, platform VARCHAR, service_id VARCHAR);

-- The files the tables above were read from (store snapshot or the embedded extract).
CREATE TABLE sor_sources (
    source_id VARCHAR NOT NULL, sha256 VARCHAR, url VARCHAR NOT NULL, origin VARCHAR NOT NULL,
    file VARCHAR, retrieved_at VARCHAR, rows BIGINT
);

-- Statements per registry service, month and measure of the cross-check (filled after
-- sor_platform_daily): own-initiative (source_type SOURCE_VOLUNTARY) or notices acted on
-- (SOURCE_ARTICLE_16, SOURCE_TRUSTED_FLAGGER); days = days with such statements.
CREATE TABLE sor_source_monthly (
    platform VARCHAR, service VARCHAR, month DATE, measure VARCHAR, statements BIGINT,
    days BIGINT, names VARCHAR
);

CREATE TABLE sor_official_daily (
    date DATE PRIMARY KEY, official_statements BIGINT NOT NULL, downloader_rows BIGINT,
    source_id VARCHAR NOT NULL
);

CREATE TABLE dsa_report_list (
    service VARCHAR NOT NULL, platform VARCHAR, capture DATE NOT NULL, title VARCHAR NOT NULL, kind VARCHAR,
    period_start DATE, period_end DATE, url VARCHAR NOT NULL, published DATE,
    page_url VARCHAR, source_id VARCHAR NOT NULL
);

-- Official count of a day beside the statements in that day's dump (sum over every platform).
CREATE VIEW sor_reconciliation AS
WITH dump AS (
    SELECT date, sum(statements) AS dump_statements FROM sor_platform_daily
    WHERE field = 'total' GROUP BY date
)
SELECT o.date, o.official_statements, d.dump_statements,
       d.dump_statements - o.official_statements AS difference,
       (d.dump_statements - o.official_statements) / o.official_statements AS relative_difference,
       o.downloader_rows,
       (SELECT min(url) FROM sor_sources WHERE source_id = o.source_id) AS official_source_url,
       (SELECT min(url) FROM sor_sources WHERE source_id = 'dsa_tdb_summary') AS dump_source_url
FROM sor_official_daily o LEFT JOIN dump d USING (date);

-- Per very large platform and half-year: statements of reasons submitted (by source_type) against
-- the same period's figures in its own harmonised report (metrics of source dsa_harmonised_reports,
-- policy area 'all', scope EU): own-initiative decisions (Annex I tables 5 + 6) and notices acted
-- on (table 4, actions taken under the law + under the terms and conditions).
CREATE VIEW sor_report_crosscheck AS
WITH measures(measure, metric) AS (
    VALUES ('own-initiative decisions', 'dsa_own_initiative_illegal_measures'),
           ('own-initiative decisions', 'dsa_own_initiative_tc_measures'),
           ('notices acted on', 'dsa_notice_actions_law'),
           ('notices acted on', 'dsa_notice_actions_tc')
),
report AS (
    SELECT o.platform, o.service, o.period_start, o.period_end, m.measure,
           sum(o.value) AS report_value, string_agg(DISTINCT o.metric, ' + ' ORDER BY o.metric) AS metrics,
           min(s.url) AS report_source_url
    FROM current_observations o JOIN measures m USING (metric)
    JOIN snapshots s ON s.sha256 = o.snapshot_sha256
    WHERE o.source_id = 'dsa_harmonised_reports' AND o.policy_area = 'all' AND o.scope = 'EU'
      AND o.value IS NOT NULL
    GROUP BY ALL
),
-- statements of the months the period covers (harmonised reports cover whole months)
sor AS (
    SELECT r.platform, r.service, r.period_start, r.measure,
           sum(m.statements)::BIGINT AS sor_statements, sum(m.days)::BIGINT AS sor_days,
           string_agg(DISTINCT m.names, ', ') AS sor_names
    FROM report r JOIN sor_source_monthly m
      ON m.platform = r.platform AND m.service = r.service AND m.measure = r.measure
     AND m.month BETWEEN date_trunc('month', r.period_start) AND r.period_end
    GROUP BY ALL
)
SELECT r.platform, r.service, r.period_start, r.period_end, r.measure, r.metrics AS report_metrics,
       r.report_value, s.sor_names, s.sor_statements, s.sor_days,
       date_diff('day', r.period_start, r.period_end) + 1 AS period_days,
       s.sor_statements / nullif(r.report_value, 0) AS ratio,
       r.report_source_url,
       (SELECT min(url) FROM sor_sources WHERE source_id = 'dsa_tdb_summary') AS sor_source_url
FROM report r LEFT JOIN sor s USING (platform, service, period_start, measure)
ORDER BY r.platform, r.service, r.period_start, r.measure;

-- Each listed report's legal due date (VLOP/VLOSE reports: within two months of the period's end,
-- i.e. by the last day of the second month after it) and
-- whether the page shows it published by then.
CREATE VIEW dsa_report_timeliness AS
SELECT service, platform, title, kind, period_start, period_end, url, published, capture,
       last_day(CAST(period_end + INTERVAL 2 MONTH AS DATE)) AS due,
       CASE WHEN published IS NULL THEN 'publication date not printed'
            WHEN published <= last_day(CAST(period_end + INTERVAL 2 MONTH AS DATE)) THEN 'on time'
            ELSE 'late' END AS timeliness,
       CASE WHEN published IS NOT NULL
            THEN date_diff('day', last_day(CAST(period_end + INTERVAL 2 MONTH AS DATE)), published) END
           AS days_after_due,
       page_url
FROM dsa_report_list WHERE period_end IS NOT NULL;
