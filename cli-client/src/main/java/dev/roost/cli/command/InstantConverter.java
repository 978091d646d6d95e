package dev.roost.cli.command;

import picocli.CommandLine;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads a point in time: an ISO-8601 instant ({@code 2026-01-31T12:00:00Z}) or a duration ago ({@code 1h}). */
public final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException notInstant) {
            try {
                return Instant.now().minus(DurationConverter.parse(value));
            } catch (CommandLine.TypeConversionException notDuration) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is neither an instant such as 2026-01-31T12:00:00Z nor a duration ago such as 1h");
            }
        }
    }
}
