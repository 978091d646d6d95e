-- What a device could not apply of its desired state (desired_applied.errors): a JSON object of
-- key -> reason for applied_version, replaced by the device's next report. NULL on rows written
-- before this column existed reads as {}.
ALTER TABLE desired_state ADD COLUMN errors_json MEDIUMTEXT NULL;
