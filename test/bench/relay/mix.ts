/**
 * bench:relay's default mix: what each member sends, from the extension's own cadence
 * (extension/core/cadence.ts), so the bench loads the relay the way the extension does.
 * Periods in ms, per member (ping, telemetry) or per room (control, chat); 0: none.
 */
import { CADENCE, STEADY_MEMBER } from '../../../extension/core/cadence';
import { CLIENT_FEATURES } from '../../../relay/contract/protocol';

export const DEFAULT_MIX = {
  /** One `time:ping` every CADENCE.clock.steadyMs once the clock estimate is good. */
  pingMs: STEADY_MEMBER.pingMs,
  /**
   * `member:telemetry` as often as the extension may send it without a status change
   * (CADENCE.telemetry.minGapMs): an upper bound. bench:sync measures ~1 a minute with a room
   * change every 30 s, and the heartbeat (one per 5 minutes) in a quiet room.
   */
  telemetryMs: CADENCE.telemetry.minGapMs,
  /** People, not the extension: a control every 5 s per room, a chat message every 30 s. */
  controlMs: 5000,
  chatMs: 30_000,
  /**
   * Whether each member reports its new status after a control. A client that declares
   * `status:follows` does not (the relay takes a member that follows a new timeline to have the
   * status it implies): only a member whose player does not follow reports, which the mix leaves out.
   */
  statusOnControl: !(CLIENT_FEATURES as readonly string[]).includes('status:follows'),
} as const;
