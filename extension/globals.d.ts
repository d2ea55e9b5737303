/** Set by extension/build.ts from LOCKSTEP_RELAY_URL (default http://localhost:3000). */
declare const __DEFAULT_RELAY_URL__: string;
