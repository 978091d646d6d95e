/**
 * The relational database: pool, migrations and shared row helpers. Feature stores
 * ({@code Jdbc*Store}) build on it; it knows nothing of devices, transports or the API.
 */
package dev.roost.server.storage;
