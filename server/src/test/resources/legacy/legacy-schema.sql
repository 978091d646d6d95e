-- The legacy system's schema (pre_SQL.sql, database device_management), as described in
-- /service/devices_manage's API description, section 2. Used to test import-legacy.
CREATE TABLE devices (
    device_id            VARCHAR(40)  NOT NULL,
    device_name          VARCHAR(30)  NOT NULL,
    device_type          VARCHAR(30)  NOT NULL,
    hardware_sn          VARCHAR(30)  NOT NULL,
    hardware_model       VARCHAR(30)  NOT NULL,
    software_version     VARCHAR(30)  NOT NULL,
    software_last_update DATE         NOT NULL,
    nic1_type            VARCHAR(30)  NULL,
    nic1_mac             VARCHAR(30)  NULL,
    nic1_ipv4            VARCHAR(30)  NULL,
    nic2_type            VARCHAR(30)  NULL,
    nic2_mac             VARCHAR(30)  NULL,
    nic2_ipv4            VARCHAR(30)  NULL,
    dev_description      VARCHAR(200) NULL,
    dev_state            VARCHAR(30)  NOT NULL DEFAULT 'offline',
    password             VARCHAR(60)  NOT NULL,
    created_time         BIGINT       NOT NULL,
    updated_time         BIGINT       NOT NULL,
    PRIMARY KEY (device_id),
    CONSTRAINT uq_sn_model UNIQUE (hardware_sn, hardware_model)
);
CREATE TABLE group_info (
    group_id          INT          NOT NULL AUTO_INCREMENT,
    group_name        VARCHAR(30)  NOT NULL,
    group_description VARCHAR(200) NULL,
    created_time      BIGINT       NOT NULL,
    updated_time      BIGINT       NOT NULL,
    PRIMARY KEY (group_id),
    CONSTRAINT uq_group_name UNIQUE (group_name)
);
CREATE TABLE relations (
    relation_id INT         NOT NULL AUTO_INCREMENT,
    device_id   VARCHAR(40) NOT NULL,
    group_id    INT         NOT NULL,
    PRIMARY KEY (relation_id),
    CONSTRAINT uq_device_group UNIQUE (device_id, group_id)
);
