package dev.roost.edge.sim;

/** A provisioned device: its id and its secret. */
public record DeviceCredential(String id, String secret) {
    @Override
    public String toString() {
        return "DeviceCredential[" + id + "]";
    }
}
