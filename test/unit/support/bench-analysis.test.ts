/** The bench's reading of recorder frames: position fits, pairwise errors, convergence. */
import { convergenceMs, pairwiseErrors, percentiles, readingAt, type Frame } from '../../bench/e2e/analysis';

/** Frames of a player at `offsetMs` ahead of wall time, painted every `paintMs`, 60 fps video. */
function playing(fromMs: number, toMs: number, offsetMs: number, paintMs = 16.7): Frame[] {
  const frames: Frame[] = [];
  for (let w = fromMs; w < toMs; w += paintMs) {
    // The frame on screen is the last one whose ideal time has passed: up to 16.7 ms behind.
    const media = Math.floor(((w + offsetMs) / 1000) * 60) / 60;
    frames.push([w, media]);
  }
  return frames;
}

test('a fit over jittered 25 fps paints reads the position within half a frame', () => {
  const frames = playing(0, 2000, 5000, 40.3);
  const reading = readingAt(frames, 1000);
  expect(reading).not.toBeNull();
  expect(Math.abs((reading?.positionMs ?? 0) - (6000 - 8.3))).toBeLessThan(8.4);
  expect(reading?.slope).toBeCloseTo(1, 1);
});

test('no reading across a seek or without frames on both sides', () => {
  const frames = [...playing(0, 1000, 0), ...playing(1000, 2000, 30_000)];
  expect(readingAt(frames, 1000)).toBeNull();
  expect(readingAt(frames, 2100)).toBeNull();
});

test('pairwise errors measure a constant offset between two members', () => {
  const errors = pairwiseErrors([playing(0, 3000, 1000), playing(0, 3000, 1040)], 500, 2500);
  const p = percentiles(errors);
  expect(p.n).toBeGreaterThan(15);
  // Frames quantize positions to 16.7 ms: half a frame is the resolution.
  expect(Math.abs(p.p50 - 40)).toBeLessThan(8.4);
});

test('convergence is when all play together and stay so', () => {
  const leader = playing(0, 6000, 10_000);
  // The follower plays 2 s behind until 2000, then jumps into step.
  const follower = [...playing(0, 2000, 8000), ...playing(2000, 6000, 10_020)];
  const ms = convergenceMs([leader, follower], 1000, 6000);
  expect(ms).not.toBeNull();
  expect(ms ?? 0).toBeGreaterThanOrEqual(1000);
  expect(ms ?? 0).toBeLessThan(1400);
  expect(convergenceMs([leader, playing(0, 6000, 8000)], 1000, 6000)).toBeNull();
});
