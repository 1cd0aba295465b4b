-- Regulator actions: the accountability side of the warehouse. Documented in docs/schema.md
-- ("Regulator actions"). Filled by transparency.accountability.build_step.step from data/registers/ (curated) and
-- the snapshot store (scraped regulator feeds).

CREATE TABLE action_types (
    action_type VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, stage VARCHAR NOT NULL,
    description VARCHAR, family VARCHAR
);

CREATE TABLE regulators (
    regulator_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, jurisdiction VARCHAR NOT NULL,
    kind VARCHAR, homepage VARCHAR,
    -- additional columns
    description VARCHAR
);

-- Kinds of authority (data/registry/authority_kinds.csv): regulators.kind is one of them.
CREATE TABLE authority_kinds (kind VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, description VARCHAR);

CREATE TABLE fx_rates (
    date DATE NOT NULL, currency VARCHAR NOT NULL, per_eur DOUBLE NOT NULL, source_url VARCHAR,
    obtained_via VARCHAR, PRIMARY KEY (date, currency)
);

CREATE TABLE actions (
    action_id VARCHAR PRIMARY KEY, case_id VARCHAR, date DATE NOT NULL,
    date_precision VARCHAR NOT NULL, regulator VARCHAR NOT NULL, jurisdiction VARCHAR,
    legal_basis VARCHAR, platform VARCHAR NOT NULL, service VARCHAR, raw_platform_label VARCHAR,
    action_type VARCHAR NOT NULL, amount DOUBLE, currency VARCHAR, amount_eur DOUBLE,
    amount_usd DOUBLE, status VARCHAR, summary VARCHAR, source_url VARCHAR NOT NULL,
    confidence VARCHAR, snapshot_sha256 VARCHAR, origin VARCHAR NOT NULL,
    -- additional columns
    regulator_id VARCHAR NOT NULL, raw_regulator_label VARCHAR, announced_on DATE,
    stage VARCHAR, action_family VARCHAR, fx_date DATE, services VARCHAR, ref VARCHAR,
    row_ref VARCHAR, note VARCHAR,
    -- the worldwide register (issue 18): decision date where it differs from the announcement,
    -- what the amount is (total, per_day, suspended, per_platform, maximum) and a quote from the
    -- source (at most 25 words) proving date and amount
    decision_date DATE, amount_kind VARCHAR, quote VARCHAR,
    -- jurisdiction is the country (ISO 3166-1 alpha-2, UK, EU); a state or province of it, where
    -- the register names one (US-TX, CA-QC), is its subdivision
    subdivision VARCHAR
);

-- One row per service an action concerns (an action naming Facebook and Instagram has two).
CREATE TABLE action_services (action_id VARCHAR NOT NULL, platform VARCHAR NOT NULL, service VARCHAR NOT NULL);

CREATE TABLE cases (
    case_id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, regulator VARCHAR NOT NULL,
    jurisdiction VARCHAR, platform VARCHAR, legal_basis VARCHAR, first_date DATE, last_date DATE,
    status VARCHAR, events INTEGER,
    -- additional columns
    regulator_id VARCHAR, max_amount_eur DOUBLE, last_action_type VARCHAR, note VARCHAR
);

CREATE TABLE commitments (
    commitment_id VARCHAR PRIMARY KEY, platform VARCHAR NOT NULL, committed_to VARCHAR,
    commitment VARCHAR NOT NULL, made_on DATE, due DATE, status VARCHAR NOT NULL,
    evidence_url VARCHAR, source_url VARCHAR NOT NULL,
    -- additional columns
    kind VARCHAR, action_id VARCHAR, case_id VARCHAR, note VARCHAR
);

-- Every action a regulator feed yielded, and what became of it: matched a register row,
-- added as a new scraped action, a duplicate of another candidate, or not resolvable.
CREATE TABLE action_candidates (
    source_id VARCHAR NOT NULL, snapshot_sha256 VARCHAR NOT NULL, row_ref VARCHAR, ref VARCHAR,
    regulator_id VARCHAR, date DATE, platform VARCHAR, service VARCHAR, action_type VARCHAR,
    raw_platform_label VARCHAR, title VARCHAR, amount DOUBLE, currency VARCHAR, source_url VARCHAR,
    outcome VARCHAR NOT NULL, action_id VARCHAR, message VARCHAR
);

-- Actions with their case title, regulator name and stage, newest first.
CREATE VIEW actions_timeline AS
SELECT a.*, c.title AS case_title, c.status AS case_status, t.label AS action_label
FROM actions a LEFT JOIN cases c USING (case_id) LEFT JOIN action_types t USING (action_type)
ORDER BY a.date DESC, a.regulator, a.platform;
