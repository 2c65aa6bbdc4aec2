-- The Postgres example's schema (pswire_example_postgres_server init).
-- lists and todos as in the SQLite example, extended so that every value
-- mapping occurs: integer, float, text (varchar with a limit too), a boolean
-- the client stores as 0/1, a timestamptz the client stores as ISO text and a
-- jsonb column the client stores as JSON text; with NOT NULL, unique,
-- foreign key and check constraints.
CREATE TABLE IF NOT EXISTS lists (
  id text PRIMARY KEY,
  name varchar(100) NOT NULL,
  owner_id text,
  created_at timestamptz,
  UNIQUE (owner_id, name)
);
CREATE TABLE IF NOT EXISTS todos (
  id text PRIMARY KEY,
  list_id text REFERENCES lists (id) ON DELETE CASCADE,
  description text NOT NULL,
  completed boolean NOT NULL DEFAULT false,
  priority double precision,
  position integer CHECK (position >= 0),
  created_at timestamptz,
  tags jsonb
);
-- The service's checkpoint request store: one id per client.
CREATE TABLE IF NOT EXISTS checkpoint_requests (
  client_id text PRIMARY KEY,
  request_id bigint NOT NULL
);
-- The highest transaction_id applied per uploading client (idempotency;
-- written in the same transaction as the changes).
CREATE TABLE IF NOT EXISTS applied_transactions (
  client_key text PRIMARY KEY,
  transaction_id bigint NOT NULL
);
