-- Codex reviews: the parent rollout entering review mode and the review sub-agent's own rollout. Codex
-- writes no id that joins them; taclog pairs them by time and working directory and then files the
-- sub-agent's rows under the parent's worker (docs/transcripts.md, "Codex reviews").
CREATE TABLE codex_reviews (
    side TEXT NOT NULL,                   -- 'parent' (entered_review_mode) or 'review' (sub-agent rollout)
    agent_session_id TEXT NOT NULL,       -- the rollout's own thread id
    at TEXT NOT NULL,                -- when review mode was entered / the sub-agent rollout began
    cwd TEXT,
    partner_session_id TEXT,              -- the other side, once paired
    PRIMARY KEY (side, agent_session_id, at)
);
CREATE INDEX idx_codex_reviews_unpaired ON codex_reviews(side, at) WHERE partner_session_id IS NULL;
