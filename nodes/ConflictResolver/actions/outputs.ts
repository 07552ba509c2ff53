/** Output positions: what the local side must change, what the external side must change, what waits for a person. */
export const APPLY_TO_LOCAL = 0;
export const APPLY_TO_EXTERNAL = 1;
export const NEEDS_REVIEW = 2;
