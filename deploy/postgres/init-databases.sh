#!/bin/bash
# Creates one database per keten service, owned by the dedicated user (POSTGRES_USER).
# The postgres image runs this from /docker-entrypoint-initdb.d once, on an empty data volume;
# to re-run it, remove the volume (`docker compose down -v`).
set -euo pipefail

# Names are quoted because RETURN is an SQL keyword.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" <<-EOSQL
	CREATE DATABASE "screening" OWNER "$POSTGRES_USER";
	CREATE DATABASE "asylum" OWNER "$POSTGRES_USER";
	CREATE DATABASE "reception" OWNER "$POSTGRES_USER";
	CREATE DATABASE "dublin" OWNER "$POSTGRES_USER";
	CREATE DATABASE "return" OWNER "$POSTGRES_USER";
EOSQL
