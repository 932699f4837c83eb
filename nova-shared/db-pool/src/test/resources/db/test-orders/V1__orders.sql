CREATE TABLE orders (
    id      TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
