/**
 * How often a member talks to the relay (and its content script to its own background): the one
 * home of these numbers. The clock (clock-sync.ts), the telemetry rule (engine.ts), the content
 * shell's keep-alive (content/sync-shell.ts) and bench:relay's default mix (test/bench/relay/mix.ts)
 * all read them here. Issue #16: per-member chatter, not fan-out, was most of the relay's load.
 */
export const CADENCE = {
  clock: {
    /** Pings back to back at connect (and after a reconnect): enough for a first estimate. */
    burstCount: 16,
    burstIntervalMs: 120,
    /** A shorter burst after a wake, an RTT jump or an estimate that jumped. */
    reburstCount: 8,
    /** The first refresh after a burst; each refresh that agrees doubles the interval, up to `steadyMs`. */
    firstRefreshMs: 1000,
    /**
     * One sample every 20 s once the estimates agree (Jellyfin's SyncPlay pings every 60 s after
     * its first samples). With the skew fitted, the clock moves < 0.1 ms between two samples.
     */
    steadyMs: 20_000,
    /** A new sample that moves the estimate by at most this (ms) agrees: the interval may grow. */
    agreeMs: 2,
    /**
     * The interval stays at firstRefreshMs until the samples span this long: the skew must be
     * pinned before gaps grow, and ~110 one-second samples pin it to a few ppm (bench:sync: with
     * 60 s the clock error p99 doubled in the minutes after connect).
     */
    denseForMs: 110_000,
    /** The first step of the back-off once the samples agree (then doubling). */
    backOffFromMs: 10_000,
    /** A sample that moves the estimate, or falls outside its bounds, by more than this (ms) is a jump: burst. */
    jumpMs: 15,
    /** An RTT this far (ms) from the recent median, twice in a row, is a new path: burst. */
    rttJumpMs: 150,
    /** After one such sample, the next ping comes this soon to confirm it. */
    confirmMs: 1000,
  },
  telemetry: {
    /**
     * Offset and RTT reports go only when they moved: the offset by 10 ms (the engine itself only
     * acts above 12 ms, DRIFT.rateEnterS, so smaller moves are its own correction wandering inside
     * the band it calls in step), the RTT by 20 ms (a 10 ms change of the scheduling lead, half
     * the RTT: the step at which the relay stores an RTT, relay/rooms/member-handlers.ts).
     */
    offsetStepMs: 10,
    rttStepMs: 20,
    /**
     * Moved or not, at most one report per this long (a status change still goes at once): after a
     * room change the offset moves for seconds while the engine converges; one report when it has.
     */
    minGapMs: 15_000,
    /** Unchanged, a report still goes this often, so a lost one cannot leave the room's view stale for long. */
    heartbeatMs: 300_000,
  },
  /**
   * While it syncs a room, the content script sends its background something at least this often
   * (a `keepAlive` when nothing else went). Firefox suspends an idle event page after 30 s
   * (extensions.background.idle.timeout), open WebSocket or not; a runtime message from a content
   * script resets that timer, an open port does not. And a background stopped anyway (Chrome
   * stopping its worker, a frozen tab) is woken within this long, not at the next clock ping 20 s
   * later. Messages inside the browser only: nothing of it reaches the relay.
   */
  keepAliveMs: 10_000,
} as const;

/** What one member sends the relay in steady state: bench:relay's default mix is built from this. */
export const STEADY_MEMBER = {
  /** `time:ping`, ms between two. */
  pingMs: CADENCE.clock.steadyMs,
  /** `member:telemetry` at the heartbeat: the floor; moves add some (docs/sync.md, bench:sync's figures). */
  telemetryMs: CADENCE.telemetry.heartbeatMs,
} as const;
