// The account-wide daily cap: "spend at most $X per day across all batches", kept
// in the database so the app and the CLI on one database enforce one cap. Today's spend is read
// from the items (the current attempt: its submit time and committed cost); what earlier
// attempts of a retried item committed moves into prior_spent_usd, so a trigger copies each such
// amount, with the submit time of the attempt that spent it, into earlier_attempts. Without
// that, retrying a paid item would make its first payment vanish from today's total.
import type { Migration } from './types';

export const dailySpend: Migration = {
  version: 11,
  name: 'daily-spend',
  up(db) {
    db.exec(`
      CREATE TABLE account_settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      ) STRICT;

      CREATE TABLE earlier_attempts (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        submitted_at INTEGER,
        usd REAL NOT NULL CHECK (usd >= 0)
      ) STRICT;
      CREATE INDEX earlier_attempts_submitted ON earlier_attempts (submitted_at);

      CREATE TRIGGER items_prior_spent_grew AFTER UPDATE OF prior_spent_usd ON items
        WHEN NEW.prior_spent_usd > OLD.prior_spent_usd
      BEGIN
        INSERT INTO earlier_attempts (item_id, submitted_at, usd)
          VALUES (OLD.id, OLD.submitted_at, NEW.prior_spent_usd - OLD.prior_spent_usd);
      END;

      CREATE INDEX items_billed_submitted ON items (submitted_at) WHERE may_be_billed = 1;
    `);
  },
};
