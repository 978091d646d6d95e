-- Roost schema v1: the device registry, groups, device events and northbound access.
-- MySQL dialect; runs unchanged on MySQL 8, MariaDB 10.6+ and H2 in MySQL mode.
-- Times are epoch milliseconds (BIGINT): they survive every driver without losing precision.
-- Ids are Snowflake ids assigned by the server.

CREATE TABLE devices (
    id                  BIGINT        NOT NULL,
    name                VARCHAR(128)  NOT NULL,
    device_type         VARCHAR(64)   NOT NULL,
    hardware_serial     VARCHAR(128)  NOT NULL,
    hardware_model      VARCHAR(128)  NOT NULL,
    software_version    VARCHAR(64)   NOT NULL,
    software_updated_at BIGINT        NOT NULL,
    description         VARCHAR(1024) NOT NULL,
    -- Read copies; device_labels is the index that label filters query.
    nics_json           TEXT          NOT NULL,
    labels_json         TEXT          NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    secret_hash         VARCHAR(80)   NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    last_seen_at        BIGINT        NOT NULL,
    CONSTRAINT pk_devices PRIMARY KEY (id),
    CONSTRAINT uq_devices_hardware UNIQUE (hardware_serial, hardware_model)
);
CREATE INDEX ix_devices_state ON devices (state, id);
CREATE INDEX ix_devices_name ON devices (name, id);
CREATE INDEX ix_devices_model ON devices (hardware_model, id);

CREATE TABLE device_labels (
    device_id   BIGINT       NOT NULL,
    label_key   VARCHAR(64)  NOT NULL,
    label_value VARCHAR(256) NOT NULL,
    CONSTRAINT pk_device_labels PRIMARY KEY (device_id, label_key),
    CONSTRAINT fk_device_labels_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
);
CREATE INDEX ix_device_labels_kv ON device_labels (label_key, label_value, device_id);

CREATE TABLE device_groups (
    id          BIGINT        NOT NULL,
    name        VARCHAR(128)  NOT NULL,
    description VARCHAR(1024) NOT NULL,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL,
    CONSTRAINT pk_device_groups PRIMARY KEY (id),
    CONSTRAINT uq_device_groups_name UNIQUE (name)
);

CREATE TABLE group_members (
    group_id  BIGINT NOT NULL,
    device_id BIGINT NOT NULL,
    added_at  BIGINT NOT NULL,
    CONSTRAINT pk_group_members PRIMARY KEY (group_id, device_id),
    CONSTRAINT fk_group_members_group FOREIGN KEY (group_id) REFERENCES device_groups (id) ON DELETE CASCADE,
    CONSTRAINT fk_group_members_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
);
CREATE INDEX ix_group_members_device ON group_members (device_id, group_id);

-- The device log: lifecycle transitions, connects, disconnects, status and command events.
CREATE TABLE device_events (
    id          BIGINT        NOT NULL,
    device_id   BIGINT        NOT NULL,
    occurred_at BIGINT        NOT NULL,
    event_type  VARCHAR(32)   NOT NULL,
    actor       VARCHAR(160)  NOT NULL,
    from_state  VARCHAR(16)   NOT NULL,
    to_state    VARCHAR(16)   NOT NULL,
    reason      VARCHAR(512)  NOT NULL,
    detail_json TEXT          NOT NULL,
    CONSTRAINT pk_device_events PRIMARY KEY (id)
);
CREATE INDEX ix_device_events_device ON device_events (device_id, id);
CREATE INDEX ix_device_events_type ON device_events (event_type, id);

CREATE TABLE users (
    id            BIGINT       NOT NULL,
    username      VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(80)  NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    disabled      BOOLEAN      NOT NULL,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users_username UNIQUE (username)
);

-- Only a bcrypt hash of a bearer token is stored. lookup_key (16 hex digits of the token's
-- SHA-256) finds the row to verify; generated tokens carry 256 random bits, so it reveals nothing.
CREATE TABLE api_tokens (
    id          BIGINT       NOT NULL,
    lookup_key  CHAR(16)     NOT NULL,
    name        VARCHAR(128) NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    user_id     BIGINT       NOT NULL,
    secret_hash VARCHAR(80)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    revoked_at  BIGINT       NOT NULL,
    CONSTRAINT pk_api_tokens PRIMARY KEY (id)
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id, id);
CREATE INDEX ix_api_tokens_lookup ON api_tokens (lookup_key);
