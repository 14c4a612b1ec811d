-- quote identifier
SELECT "we""ird name";

-- quote string
SELECT 'O''Brien';

-- interval 30d
SELECT (CAST(current_timestamp AS TIMESTAMP) - INTERVAL '30 day');

-- timestamp literal
SELECT CAST('2026-12-01 21:00:00.123456' AS TIMESTAMP);

-- interval 6mo
SELECT INTERVAL '6 month';

-- sha256
SELECT sha256(lower(trim(email)));

-- md5
SELECT md5(a || '|' || b);

-- hash to bigint
SELECT CAST(hash(id_type || ':' || value) >> 1 AS BIGINT);

-- regex
SELECT regexp_matches(value, '^(test|noreply)@');

-- cast
SELECT CAST(x AS TIMESTAMP);

-- create schema
CREATE SCHEMA IF NOT EXISTS "zcdp";

-- create or replace view
CREATE OR REPLACE VIEW "zcdp"."v" AS SELECT 1 AS one;

-- create or replace table
CREATE OR REPLACE TABLE "zcdp"."t" AS SELECT 1 AS one;

-- create scratch table
CREATE OR REPLACE TEMP TABLE temp.main."scratch" AS SELECT 1 AS one;

-- create numbered scratch table
CREATE OR REPLACE TEMP TABLE temp.main."pages" AS SELECT * FROM (SELECT k FROM t) zcdp_rows ORDER BY k;

-- comment on a view
COMMENT ON VIEW "zcdp"."v" IS 'it''s zcdp''s';

-- comment on a table
COMMENT ON TABLE "zcdp"."t" IS 'zcdp';

-- scratch row number
SELECT k FROM temp.main."pages" WHERE (rowid + 1) <= 10;

-- create table
CREATE TABLE IF NOT EXISTS "zcdp"."runs" ("run_id" BIGINT NOT NULL, "started_at" TIMESTAMP, "status" VARCHAR, "ok" BOOLEAN, "ratio" DOUBLE, "day" DATE, "steps" JSON, PRIMARY KEY ("run_id"));

-- upsert
INSERT INTO "zcdp"."kv" ("k", "v") SELECT k, v FROM staged ON CONFLICT ("k") DO UPDATE SET "v" = excluded."v";

-- limit
SELECT 1 LIMIT 10;

-- parquet relation
SELECT * FROM read_parquet('/lake/orders/*.parquet');

-- csv relation
SELECT * FROM read_csv('/lake/o''rders.csv', header = true, auto_detect = true);

-- csv relation with read options
SELECT * FROM read_csv('/lake/orders.csv', header = false, auto_detect = true, delim = ';', quote = '''', escape = '\', nullstr = 'N/A', dateformat = '%d/%m/%Y', timestampformat = '%d/%m/%Y %H:%M', skip = 2, columns = {'order_id': 'VARCHAR', 'it''s': 'DECIMAL(10,2)'});

