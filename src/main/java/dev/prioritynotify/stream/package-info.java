/**
 * Live delivery: the per-user event log (written in the same transaction as each notification
 * change), the in-memory hub that fans events out to open streams, the SSE endpoint with
 * {@code Last-Event-ID} replay, heartbeats and bounded per-client buffers, and pruning of old events.
 */
package dev.prioritynotify.stream;
