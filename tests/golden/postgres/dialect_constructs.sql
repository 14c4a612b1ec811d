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
SELECT encode(sha256(convert_to(lower(trim(email)), 'UTF8')), 'hex');

-- md5
SELECT md5(a || '|' || b);

-- hash to bigint
SELECT (hashtextextended(id_type || ':' || value, 0) & 9223372036854775807);

-- regex
SELECT (value ~ '^(test|noreply)@');

-- cast
SELECT CAST(x AS TIMESTAMP);

-- create schema
DO $zcdp$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'zcdp') THEN CREATE SCHEMA "zcdp"; END IF; END$zcdp$;

-- create or replace view
CREATE OR REPLACE VIEW "zcdp"."v" AS SELECT 1 AS one;

-- create or replace table
DO $zcdp$BEGIN DROP TABLE IF EXISTS "zcdp"."t__zcdp_new";
CREATE TABLE "zcdp"."t__zcdp_new" AS SELECT 1 AS one;
IF to_regclass('"zcdp"."t"') IS NOT NULL THEN
  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = '"zcdp"."t"'::regclass AND classid = 'pg_rewrite'::regclass) THEN
    DROP TABLE "zcdp"."t";
  ELSIF NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"zcdp"."t"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"zcdp"."t__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped) AND NOT EXISTS (SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"zcdp"."t__zcdp_new"'::regclass AND attnum > 0 AND NOT attisdropped EXCEPT SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = '"zcdp"."t"'::regclass AND attnum > 0 AND NOT attisdropped) THEN
    TRUNCATE "zcdp"."t";
    INSERT INTO "zcdp"."t" SELECT * FROM "zcdp"."t__zcdp_new";
    DROP TABLE "zcdp"."t__zcdp_new";
    RETURN;
  ELSE
    DROP TABLE "zcdp"."t" CASCADE;
  END IF;
END IF;
ALTER TABLE "zcdp"."t__zcdp_new" RENAME TO "t";
END$zcdp$;

-- create or replace table
ANALYZE "zcdp"."t";

-- create scratch table
DROP TABLE IF EXISTS "zcdp"."scratch";

-- create scratch table
CREATE UNLOGGED TABLE "zcdp"."scratch" AS SELECT 1 AS one;

-- create scratch table
ANALYZE "zcdp"."scratch";

-- create numbered scratch table
DROP TABLE IF EXISTS "zcdp"."pages";

-- create numbered scratch table
CREATE UNLOGGED TABLE "zcdp"."pages" AS SELECT zcdp_rows.*, row_number() OVER (ORDER BY k) AS zcdp_row FROM (SELECT k FROM t) zcdp_rows;

-- create numbered scratch table
ANALYZE "zcdp"."pages";

-- refresh statistics
ANALYZE "zcdp"."t";

-- comment on a view
COMMENT ON VIEW "zcdp"."v" IS 'it''s zcdp''s';

-- comment on a table
COMMENT ON TABLE "zcdp"."t" IS 'zcdp';

-- scratch row number
SELECT k FROM "zcdp"."pages" WHERE zcdp_row <= 10;

-- create table
CREATE TABLE IF NOT EXISTS "zcdp"."runs" ("run_id" BIGINT NOT NULL, "started_at" TIMESTAMP, "status" TEXT, "ok" BOOLEAN, "ratio" DOUBLE PRECISION, "day" DATE, "steps" JSONB, PRIMARY KEY ("run_id"));

-- upsert
INSERT INTO "zcdp"."kv" ("k", "v") SELECT k, v FROM staged ON CONFLICT ("k") DO UPDATE SET "v" = excluded."v";

-- limit
SELECT 1 LIMIT 10;

-- parquet relation
SELECT * FROM PostgreSQL cannot read files in place ('/lake/orders/*.parquet'): load them into a table (for example with COPY) and name that table as the source;

-- csv relation
SELECT * FROM PostgreSQL cannot read files in place ('/lake/o'rders.csv'): load them into a table (for example with COPY) and name that table as the source;

-- csv relation with read options
SELECT * FROM PostgreSQL cannot read files in place ('/lake/orders.csv'): load them into a table (for example with COPY) and name that table as the source;

