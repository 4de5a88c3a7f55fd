/**
 * The tag the components put on every resource they create, naming the data it carries; the pack reads it
 * (e.g. a bucket tagged `audit-log` is an audit-log bucket before anything delivers to it).
 */
export const DATA_CLASSIFICATION_TAG = "phi-channels:data-classification";
export const AUDIT_LOG_CLASSIFICATION = "audit-log";
