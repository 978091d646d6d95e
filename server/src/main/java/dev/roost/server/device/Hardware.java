package dev.roost.server.device;

import dev.roost.server.common.Validation;
import dev.roost.server.error.RoostException;

/** A device's hardware identity; the pair is unique across the fleet. */
public record Hardware(String serial, String model) {
    public static final int MAX_LENGTH = 128;

    /** Validates and trims both parts; {@code field} prefixes the names in errors. */
    public static Hardware validated(String field, Hardware hardware) {
        if (hardware == null) {
            throw RoostException.invalid(field, "is required");
        }
        return new Hardware(Validation.required(field + ".serial", hardware.serial(), MAX_LENGTH),
                Validation.required(field + ".model", hardware.model(), MAX_LENGTH));
    }
}
