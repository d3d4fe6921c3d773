/**
 * Numbered schema migrations, applied in order at start. Never edit a migration that has shipped: add the next one.
 */
export const sqliteMigrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'core tables',
    sql: `
      CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        display_name TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE customer_identities (
        channel TEXT NOT NULL,
        customer_key TEXT NOT NULL,
        customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        PRIMARY KEY (channel, customer_key)
      );
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        conversation_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (channel, conversation_key)
      );
      CREATE INDEX conversations_customer ON conversations(customer_id);
      -- One table for everything said or done in a conversation, in arrival order. Inbound rows are the journal
      -- (written before the platform gets its 2xx; unique per platform id, so a retry is a no-op), outbound rows are
      -- the outbox, and both together are the transcript. One table instead of three means each message touches
      -- a third of the index pages, which is most of a commit's cost.
      CREATE TABLE items (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        kind TEXT NOT NULL CHECK (kind IN ('message', 'event')),
        external_id TEXT,
        reply_to TEXT,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        settled_at TEXT
      );
      CREATE UNIQUE INDEX items_inbound_external ON items(channel, external_id) WHERE direction = 'in';
      CREATE INDEX items_conversation ON items(conversation_id, seq);
      CREATE INDEX items_pending ON items(direction, seq) WHERE status = 'pending';
      CREATE TABLE snapshots (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        flow_version TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'channel state',
    sql: `
      -- Small per-channel facts adapters keep: SMS opt-outs, the last choices offered to a number, Teams
      -- conversation references. Keyed by channel so adapters cannot read each other's.
      CREATE TABLE channel_state (
        channel TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'timers',
    sql: `
      -- Deadlines flows set (an unclaimed handoff, a reminder). XState does not restore delayed transitions from a
      -- snapshot, so they live here, are written with the turn that set them, and are re-armed at start.
      CREATE TABLE timers (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'feedback, consents, shop links',
    sql: `
      -- Satisfaction scores: CSAT (1-5) after a resolved handoff, NPS (0-10) on request. One row per answer, kept per
      -- conversation and erased with the customer.
      CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('csat', 'nps')),
        score INTEGER NOT NULL,
        comment TEXT,
        created_at TEXT NOT NULL,
        CHECK ((kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10))
      );
      CREATE INDEX feedback_conversation ON feedback(conversation_id);
      CREATE INDEX feedback_customer ON feedback(customer_id);
      -- What a customer said yes or no to (for example "personalization": using purchase history), asked once.
      CREATE TABLE consents (
        customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL,
        is_granted INTEGER NOT NULL CHECK (is_granted IN (0, 1)),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (customer_id, purpose)
      ) WITHOUT ROWID;
      -- Which shop customer (orders.csv / the shop system) a chat customer proved to be: by the phone on file (SMS)
      -- or by an order number plus the email on that order. Orders are shown only through this link.
      CREATE TABLE shop_links (
        customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
        shop_customer_id TEXT NOT NULL,
        verified_by TEXT NOT NULL CHECK (verified_by IN ('phone', 'email')),
        linked_at TEXT NOT NULL
      ) WITHOUT ROWID;
      -- Export and erasure walk a customer's identities; the cascade from customers uses it too.
      CREATE INDEX customer_identities_customer ON customer_identities(customer_id);
    `,
  },
  {
    version: 5,
    name: 'answer checks',
    sql: `
      -- "Did that answer your question?": what the customer said about a knowledge answer, for the dashboard's gaps.
      CREATE TABLE answer_checks (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        source TEXT,
        was_helpful INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX answer_checks_conversation ON answer_checks(conversation_id);
    `,
  },
];
