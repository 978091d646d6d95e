package dev.roost.cli.output;

/** The {@code -o} choices. */
public enum Format {
    table, json, yaml
}
