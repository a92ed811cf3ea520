/** The gateway's audit trail: event ids and the batched, spilling writer behind the AuditStore port. */
export { AuditWriter, type AuditWriterOptions, type PingableAuditStore } from "./writer";
export { newEventId, createEventIdGenerator, eventIdTime, type EventIdGenerator } from "./ids";
export { REJECTED_FILE } from "./spill-files";
export { realTimers, type AuditLogger, type AuditWriterStats, type WriterTimers } from "./types";
