import type { Timeline } from '../../../relay/contract/protocol';
import {
  applyControl,
  emptyTimeline,
  expireHold,
  MAX_LEAD_MS,
  memberReady,
  memberStalled,
  MIN_LEAD_MS,
  positionAt,
  scheduleLead,
  SEEK_ALLOWANCE_MS,
} from '../../../relay/contract/timeline';

const base = (over: Partial<Timeline> = {}): Timeline => ({ ...emptyTimeline(0), media: { url: 'u', title: 't', duration: 100 }, ...over });

describe('timeline', () => {
  test.each([
    { name: 'paused holds', t: base({ paused: true, position: 10 }), now: 5000, want: 10 },
    { name: 'playing advances', t: base({ paused: false, position: 10, setAt: 1000 }), now: 3000, want: 12 },
    { name: 'rate scales', t: base({ paused: false, position: 10, setAt: 0, rate: 0.5 }), now: 4000, want: 12 },
    { name: 'scheduled start waits', t: base({ paused: false, position: 10, setAt: 5000 }), now: 3000, want: 10 },
    { name: 'waiting for a member holds', t: base({ paused: false, position: 10, setAt: 0, waitingFor: ['a'] }), now: 9000, want: 10 },
    { name: 'clamped to duration', t: base({ paused: false, position: 99, setAt: 0 }), now: 9000, want: 100 },
  ])('positionAt: $name', ({ t, now, want }) => {
    expect(positionAt(t, now)).toBeCloseTo(want, 9);
  });

  test.each([
    { rtts: [], want: Math.max(MIN_LEAD_MS, SEEK_ALLOWANCE_MS) },
    { rtts: [null, 100], want: Math.max(MIN_LEAD_MS, 50 + SEEK_ALLOWANCE_MS) },
    { rtts: [600, 20], want: 300 + SEEK_ALLOWANCE_MS },
    { rtts: [10_000], want: MAX_LEAD_MS },
  ])('scheduleLead($rtts) = $want', ({ rtts, want }) => {
    expect(scheduleLead(rtts)).toBe(want);
  });

  test.each([
    {
      name: 'play schedules a start',
      c: { action: 'play' as const },
      check: (t: Timeline) => !t.paused && t.setAt === 1300 && t.position === 5,
    },
    {
      name: 'seek while paused applies now',
      c: { action: 'seek' as const, position: 50 },
      check: (t: Timeline) => t.paused && t.position === 50 && t.setAt === 1000,
    },
    { name: 'seek clamps to the media', c: { action: 'seek' as const, position: 500 }, check: (t: Timeline) => t.position === 100 },
    { name: 'rate keeps the position', c: { action: 'rate' as const, rate: 2 }, check: (t: Timeline) => t.rate === 2 && t.position === 5 },
  ])('applyControl: $name', ({ c, check }) => {
    const t = applyControl(base({ position: 5 }), c, 1000, 300, 'a');
    expect(check(t)).toBe(true);
    expect(t.seq).toBe(1);
    expect(t.by).toBe('a');
  });

  test('media: another video starts paused at 0; the same URL again only updates its details', () => {
    const playing = base({ paused: false, position: 40, setAt: 500, seq: 7 });
    const other = applyControl(playing, { action: 'media', media: { url: 'v', title: 'V', duration: 20 } }, 1000, 300, 'a');
    expect(other).toMatchObject({ media: { url: 'v' }, paused: true, position: 0, setAt: 1000, seq: 8 });
    const details = applyControl(playing, { action: 'media', media: { url: 'u', title: 'T2', duration: 250 } }, 1000, 300, 'a');
    expect(details).toEqual({ ...playing, media: { url: 'u', title: 'T2', duration: 250 }, seq: 8, by: 'a' });
    expect(positionAt(details, 2500)).toBeCloseTo(42, 9);
    expect(applyControl(playing, { action: 'media', media: { url: 'u', title: 't', duration: 100 } }, 1000, 300, 'a')).toBe(playing);
  });

  test('a stall holds a playing room until the member is ready, then restarts on a schedule', () => {
    const playing = base({ paused: false, position: 10, setAt: 0 });
    const held = memberStalled(playing, 'a', 'wait', 2000, 8000);
    expect(held.waitingFor).toEqual(['a']);
    expect(positionAt(held, 9000)).toBeCloseTo(12, 9);
    expect(memberStalled(held, 'a', 'wait', 2500, 8000)).toBe(held);
    expect(memberStalled(playing, 'a', 'continue', 2000, 8000)).toBe(playing);
    const resumed = memberReady(held, 'a', 3000, 300);
    expect(resumed.waitingFor).toEqual([]);
    expect(resumed.setAt).toBe(3300);
    expect(expireHold(held, 9999, 300)).toBe(held);
    expect(expireHold(held, 10_000, 300).waitingFor).toEqual([]);
  });
});
