/** Scripted sessions for the simulator. Times in seconds of virtual time. */
import type { ScriptStep } from './simulate';

/**
 * The benchmark's session: every kind of change, a stall, an ad, a reconnect, and the page's own
 * element life cycle (re-created with and without resuming, a quality switch) (6 minutes).
 */
export const FULL_SESSION: ScriptStep[] = [
  { at: 5, member: 0, action: 'play' },
  { at: 50, member: 1, action: 'pause' },
  { at: 55, member: 1, action: 'play' },
  { at: 80, member: 2, action: 'seek', value: 600 },
  { at: 110, member: 0, action: 'rate', value: 1.5 },
  { at: 140, member: 3, action: 'rate', value: 1 },
  { at: 165, member: 2, action: 'stall', ms: 2500 },
  { at: 166.5, member: 4, action: 'recreate', ms: 400, resume: true },
  { at: 195, member: 3, action: 'ad', ms: 6000 },
  { at: 230, member: 4, action: 'reconnect', ms: 3000 },
  { at: 260, member: 1, action: 'seek', value: 1200 },
  { at: 260.2, member: 3, action: 'recreate', ms: 400, resume: false },
  { at: 290, member: 0, action: 'rate', value: 0.75 },
  { at: 320, member: 4, action: 'rate', value: 1 },
  { at: 335, member: 2, action: 'recreate', ms: 400, resume: true },
  { at: 340, member: 3, action: 'recreate', ms: 600, resume: false },
  { at: 345, member: 1, action: 'quality', ms: 500 },
  { at: 350, member: 0, action: 'recreate', ms: 300, resume: true },
];
export const FULL_SESSION_S = 360;

/** A short session for the unit test: play, seek, pause/play, rate, a stall, an ad, element re-creation and a quality switch. */
export const SHORT_SESSION: ScriptStep[] = [
  { at: 4, member: 0, action: 'play' },
  { at: 20, member: 1, action: 'seek', value: 300 },
  { at: 35, member: 2, action: 'pause' },
  { at: 38, member: 0, action: 'play' },
  { at: 50, member: 1, action: 'rate', value: 1.25 },
  { at: 60, member: 2, action: 'stall', ms: 2000 },
  { at: 70, member: 0, action: 'ad', ms: 4000 },
  { at: 78, member: 1, action: 'recreate', ms: 500, resume: true },
  { at: 81, member: 2, action: 'recreate', ms: 500, resume: false },
  { at: 84, member: 0, action: 'quality', ms: 400 },
];
export const SHORT_SESSION_S = 90;

/**
 * A quiet evening: one play, then 45 minutes of nobody touching anything. The clock samples only
 * every CADENCE.clock.steadyMs after its first two minutes: this shows the fitted skew carrying
 * the estimate over the long gaps, and what a member costs the relay when nothing happens.
 */
export const QUIET_SESSION: ScriptStep[] = [{ at: 5, member: 0, action: 'play' }];
export const QUIET_SESSION_S = 45 * 60;
