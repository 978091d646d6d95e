package dev.roost.bench;

/** The calls the northbound scenario mixes. */
enum Operation {
    /** GetDevice by a random id of the fleet. */
    GET_DEVICE("get"),
    /** The first page of ListDevices without a filter. */
    LIST_DEVICES("list"),
    /** The first page of ListDevices filtered by one label (a random site: 1/20 of the fleet). */
    LIST_DEVICES_BY_LABEL("list-label");

    private final String shortName;

    Operation(String shortName) {
        this.shortName = shortName;
    }

    /** The name used in --mix, in reports and in result files. */
    String shortName() {
        return shortName;
    }

    static Operation byShortName(String name) {
        for (Operation operation : values()) {
            if (operation.shortName.equals(name)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name + "'; use get, list or list-label");
    }
}
