/** The `tastebud` CLI. Filled in by the offline-pipeline work. */
export {};
