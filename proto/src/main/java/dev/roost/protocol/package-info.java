/**
 * The southbound protocol v1 (docs/protocol.md): one record per message body, the envelope
 * {@link dev.roost.protocol.Pdu} and its JSON codec. Shared by the server and the edge agent;
 * knows nothing of sockets, storage or the northbound API.
 */
package dev.roost.protocol;
