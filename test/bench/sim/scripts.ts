/** Scripted sessions for the simulator. Times in seconds of virtual time. */
import type { ScriptStep } from './simulate';

/** The benchmark's session: every kind of change, a stall, an ad and a reconnect (6 minutes). */
export const FULL_SESSION: ScriptStep[] = [
  { at: 5, member: 0, action: 'play' },
  { at: 50, member: 1, action: 'pause' },
  { at: 55, member: 1, action: 'play' },
  { at: 80, member: 2, action: 'seek', value: 600 },
  { at: 110, member: 0, action: 'rate', value: 1.5 },
  { at: 140, member: 3, action: 'rate', value: 1 },
  { at: 165, member: 2, action: 'stall', ms: 2500 },
  { at: 195, member: 3, action: 'ad', ms: 6000 },
  { at: 230, member: 4, action: 'reconnect', ms: 3000 },
  { at: 260, member: 1, action: 'seek', value: 1200 },
  { at: 290, member: 0, action: 'rate', value: 0.75 },
  { at: 320, member: 4, action: 'rate', value: 1 },
];
export const FULL_SESSION_S = 360;

/** A short session for the unit test: play, seek, pause/play, rate, a stall and an ad. */
export const SHORT_SESSION: ScriptStep[] = [
  { at: 4, member: 0, action: 'play' },
  { at: 20, member: 1, action: 'seek', value: 300 },
  { at: 35, member: 2, action: 'pause' },
  { at: 38, member: 0, action: 'play' },
  { at: 50, member: 1, action: 'rate', value: 1.25 },
  { at: 60, member: 2, action: 'stall', ms: 2000 },
  { at: 70, member: 0, action: 'ad', ms: 4000 },
];
export const SHORT_SESSION_S = 90;
