-- Secrets every instance of one installation shares, created at the first start: the key that signs
-- the session records kept in Redis, so that write access to Redis alone cannot create a session.
CREATE TABLE server_secrets (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    value VARCHAR(128) NOT NULL
) {{TABLE}};
