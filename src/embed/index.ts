/** The embed entry (`tastebud/embed`): the loader and the `<tastebud-recs>` widget. Filled in by the embed work. */
export {};
