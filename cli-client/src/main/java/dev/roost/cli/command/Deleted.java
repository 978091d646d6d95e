package dev.roost.cli.command;

/** The JSON/YAML answer to a delete. */
record Deleted(String id, boolean deleted) {
}
