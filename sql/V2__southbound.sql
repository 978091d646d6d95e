-- Roost schema v2: the southbound channel's state: session-token key, reported status and its
-- history, desired state, and cloud-to-device commands.

-- Bumped when the device's secret changes: session tokens carry it and die with the old secret.
ALTER TABLE devices ADD COLUMN credential_version INT NOT NULL DEFAULT 0;

-- Server-wide secrets generated on first start (the HMAC key that signs session tokens).
CREATE TABLE server_secrets (
    name       VARCHAR(64)  NOT NULL,
    secret     VARCHAR(128) NOT NULL,
    created_at BIGINT       NOT NULL,
    CONSTRAINT pk_server_secrets PRIMARY KEY (name)
);

-- The latest reported state of each device; written coalesced and batched.
CREATE TABLE device_status (
    device_id        BIGINT      NOT NULL,
    reported_version BIGINT      NOT NULL,
    reported_json    MEDIUMTEXT  NOT NULL,
    reported_at      BIGINT      NOT NULL,
    boot_id          VARCHAR(64) NOT NULL,
    CONSTRAINT pk_device_status PRIMARY KEY (device_id)
);

-- Sampled status history: at most one row per device per sampling interval, kept for a retention.
CREATE TABLE status_history (
    id               BIGINT     NOT NULL,
    device_id        BIGINT     NOT NULL,
    recorded_at      BIGINT     NOT NULL,
    reported_version BIGINT     NOT NULL,
    reported_json    MEDIUMTEXT NOT NULL,
    CONSTRAINT pk_status_history PRIMARY KEY (id)
);
CREATE INDEX ix_status_history_device ON status_history (device_id, id);
CREATE INDEX ix_status_history_time ON status_history (recorded_at);

CREATE TABLE desired_state (
    device_id       BIGINT     NOT NULL,
    version         BIGINT     NOT NULL,
    desired_json    MEDIUMTEXT NOT NULL,
    applied_version BIGINT     NOT NULL,
    applied_json    MEDIUMTEXT NOT NULL,
    updated_at      BIGINT     NOT NULL,
    CONSTRAINT pk_desired_state PRIMARY KEY (device_id)
);

CREATE TABLE group_commands (
    id               BIGINT       NOT NULL,
    group_id         BIGINT       NOT NULL,
    name             VARCHAR(64)  NOT NULL,
    params_json      MEDIUMTEXT   NOT NULL,
    total            BIGINT       NOT NULL,
    idempotency_key  VARCHAR(128) NULL,
    created_at       BIGINT       NOT NULL,
    CONSTRAINT pk_group_commands PRIMARY KEY (id)
);
CREATE UNIQUE INDEX uq_group_commands_key ON group_commands (group_id, idempotency_key);

CREATE TABLE commands (
    id                  BIGINT        NOT NULL,
    device_id           BIGINT        NOT NULL,
    name                VARCHAR(64)   NOT NULL,
    params_json         MEDIUMTEXT    NOT NULL,
    state               VARCHAR(16)   NOT NULL,
    result_json         MEDIUMTEXT    NOT NULL,
    device_status_code  INT           NOT NULL,
    error_message       VARCHAR(1024) NOT NULL,
    -- NULL when the caller gave none; unique per device otherwise.
    idempotency_key     VARCHAR(128)  NULL,
    group_command_id    BIGINT        NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    timeout_ms          BIGINT        NOT NULL,
    delivery_deadline   BIGINT        NOT NULL,
    -- Deadline of the running attempt (sent_at + timeout); 0 while queued.
    run_deadline        BIGINT        NOT NULL,
    -- For reboot: the boot id reported before the reboot, to recognise the new boot.
    boot_id_before      VARCHAR(64)   NOT NULL,
    CONSTRAINT pk_commands PRIMARY KEY (id)
);
CREATE INDEX ix_commands_device_state ON commands (device_id, state, id);
CREATE INDEX ix_commands_state ON commands (state, id);
CREATE INDEX ix_commands_group ON commands (group_command_id, id);
CREATE UNIQUE INDEX uq_commands_key ON commands (device_id, idempotency_key);
