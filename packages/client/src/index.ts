// Filled in by its own issue; nothing is exported until then.
export {};
