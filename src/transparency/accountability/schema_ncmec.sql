-- NCMEC domain. Documented in docs/schema.md ("NCMEC cross-check").

-- What a platform says it reported to the CyberTipline (metric cybertipline_reports, reporter
-- platform, any source) beside what NCMEC says it received from the platform (metric
-- cybertipline_reports_received, reporter NCMEC), per platform, service and calendar year.
CREATE OR REPLACE VIEW cybertipline_crosscheck AS
WITH self_periods AS (
    -- current self-reported values inside one calendar year; where a source gives the metric for
    -- several policy areas (or labels) of one period, the largest, i.e. the broadest, count
    SELECT o.source_id, o.platform, o.service, o.period_label, year(o.period_start) AS year,
           max(o.value) AS value, arg_max(s.url, o.value) AS url,
           CASE WHEN regexp_full_match(o.period_label, '\d{4}') THEN 1
                WHEN regexp_full_match(o.period_label, '\d{4}-H[12]') THEN 2
                WHEN regexp_full_match(o.period_label, '\d{4}-Q[1-4]') THEN 4
                WHEN regexp_full_match(o.period_label, '\d{4}-\d{2}') THEN 12 END AS parts
    FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
    WHERE o.is_current AND o.metric = 'cybertipline_reports' AND o.reporter = 'platform'
      AND o.scope = 'global' AND o.value IS NOT NULL AND o.platform IS NOT NULL
      AND year(o.period_start) = year(o.period_end)
    GROUP BY o.source_id, o.platform, o.service, o.period_label, year(o.period_start)
),
self_years AS (
    -- a year's value from one source and one kind of period, only where the periods cover the
    -- whole year (1 year, 2 halves, 4 quarters or 12 months)
    SELECT source_id, platform, service, year, parts, sum(value) AS value,
           list_sort(list_distinct(list(url))) AS urls
    FROM self_periods WHERE parts IS NOT NULL
    GROUP BY source_id, platform, service, year, parts
    HAVING count(*) = parts
),
self_side AS (
    -- one figure per platform, service and year: the publisher's own file before a curated
    -- transcription, then the coarsest periods, then the first source
    SELECT platform, service, year, value, urls FROM self_years
    QUALIFY row_number() OVER (
        PARTITION BY platform, service, year
        ORDER BY source_id IN (SELECT source_id FROM sources WHERE kind = 'curated transcription'),
                 parts, source_id) = 1
),
ncmec_rows AS (
    -- NCMEC's calendar-year counts per ESP row; the all-ESP total is not a platform
    SELECT o.source_id, o.platform, o.service, year(o.period_start) AS year, o.value, s.url
    FROM observations o JOIN snapshots s ON s.sha256 = o.snapshot_sha256
    WHERE o.is_current AND o.metric = 'cybertipline_reports_received' AND o.reporter = 'NCMEC'
      AND o.scope = 'global' AND o.value IS NOT NULL AND o.platform IS NOT NULL
      AND o.platform <> 'all_esps'
      AND o.period_start = make_date(year(o.period_start), 1, 1)
      AND o.period_end = make_date(year(o.period_start), 12, 31)
    -- one NCMEC source per platform and year (NCMEC's own files before a curated transcription,
    -- then the first by source id), so no count is doubled
    QUALIFY dense_rank() OVER (
        PARTITION BY o.platform, year(o.period_start)
        ORDER BY o.source_id IN (SELECT source_id FROM sources WHERE kind = 'curated transcription'),
                 o.source_id) = 1
),
ncmec_side AS (
    -- a service: its own rows; 'all': every row of the platform (family totals such as
    -- 'Facebook*', company rows and separately listed services alike)
    SELECT platform, service, year, sum(value) AS value, list_sort(list_distinct(list(url))) AS urls
    FROM ncmec_rows WHERE service <> 'all' GROUP BY platform, service, year
    UNION ALL
    SELECT platform, 'all', year, sum(value), list_sort(list_distinct(list(url)))
    FROM ncmec_rows GROUP BY platform, year
)
SELECT coalesce(s.platform, n.platform) AS platform,
       coalesce(s.service, n.service) AS service,
       CAST(coalesce(s.year, n.year) AS INTEGER) AS year,
       CAST(s.value AS DOUBLE) AS self_reported,
       CAST(n.value AS DOUBLE) AS ncmec_received,
       CAST(CASE WHEN n.value > 0 THEN s.value / n.value END AS DOUBLE) AS ratio,
       array_to_string(s.urls, ' ') AS self_source_url,
       array_to_string(n.urls, ' ') AS ncmec_source_url
FROM self_side s
FULL OUTER JOIN ncmec_side n ON n.platform = s.platform AND n.service = s.service AND n.year = s.year
-- platforms that publish a figure of their own in some year; NCMEC-only rows of such a platform show
-- the years and services its own reports leave out
WHERE coalesce(s.platform, n.platform) IN (SELECT platform FROM self_side)
ORDER BY platform, service, year;
