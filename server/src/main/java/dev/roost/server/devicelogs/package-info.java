/**
 * Device logs: the built-in SFTP receiver (Apache MINA SSHD) where devices upload with their own
 * credentials into their own folder, and the use cases that list and read what they uploaded.
 * Knows nothing of REST, gRPC or the device channel's frames; it checks device credentials
 * through the southbound {@code DeviceAuthenticator}.
 */
package dev.roost.server.devicelogs;
