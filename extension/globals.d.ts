/** Set by extension/build.ts from LOCKSTEP_RELAY_URL (default http://localhost:3000). */
declare const __DEFAULT_RELAY_URL__: string;
/**
 * Set by extension/build.ts when LOCKSTEP_CLOCK_LOG=1 (bench:e2e's build only): the content script
 * logs each clock sample and the estimate after it, for the bench to hold against the true clocks.
 */
declare const __LOCKSTEP_CLOCK_LOG__: boolean;
